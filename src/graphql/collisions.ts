import { ParseError, ErrorCode } from '../errors/index.ts';
import type { SchemaSnapshot } from '../schema/index.ts';
import { isValidClassName } from '../schema/index.ts';
import { classNames } from './inflection.ts';
import { CLOUD_CODE_TYPE_NAMES } from './cloud/registry.ts';
import { WEBHOOK_MUTATIONS, WEBHOOK_QUERIES, WEBHOOK_TYPE_NAMES } from './cloud/hooks.ts';

/** Type names of the built-in API (checked against the built schema by a test). */
export const STATIC_TYPE_NAMES = new Set([
  'Query',
  'Mutation',
  'Subscription',
  'Upload',
  'Any',
  'Object',
  'Date',
  'Bytes',
  'File',
  'String',
  'Float',
  'Int',
  'Boolean',
  'ID',
  'FileInfo',
  'FileInput',
  'GeoPointInput',
  'GeoPoint',
  'ParseObject',
  'ReadPreference',
  'ReadOptionsInput',
  'SearchInput',
  'TextInput',
  'BoxInput',
  'WithinInput',
  'CenterSphereInput',
  'GeoWithinInput',
  'GeoIntersectsInput',
  'IdWhereInput',
  'StringWhereInput',
  'NumberWhereInput',
  'BooleanWhereInput',
  'ArrayWhereInput',
  'KeyValueInput',
  'ObjectWhereInput',
  'DateWhereInput',
  'BytesWhereInput',
  'FileWhereInput',
  'GeoPointWhereInput',
  'PolygonWhereInput',
  'Element',
  'ACLInput',
  'UserACLInput',
  'RoleACLInput',
  'PublicACLInput',
  'ACL',
  'UserACL',
  'RoleACL',
  'PublicACL',
  'SubqueryInput',
  'SelectInput',
  'Node',
  'PageInfo',
  'ArrayResult',
  'SchemaFieldInput',
  'SchemaField',
  'SchemaFieldsInput',
  'Class',
  'PointerFieldInput',
  'SchemaPointerField',
  'RelationFieldInput',
  'SchemaRelationField',
  'SchemaACLField',
  'CreateClassInput',
  'CreateClassPayload',
  'UpdateClassInput',
  'UpdateClassPayload',
  'DeleteClassInput',
  'DeleteClassPayload',
  'Viewer',
  'ConfigValue',
  'CreateFileInput',
  'CreateFilePayload',
  'DeleteFileInput',
  'DeleteFilePayload',
  'SignUpInput',
  'SignUpPayload',
  'LogInWithInput',
  'UserLoginWithInput',
  'LogInWithPayload',
  'LogInInput',
  'LogInPayload',
  'LogOutInput',
  'LogOutPayload',
  'ResetPasswordInput',
  'ResetPasswordPayload',
  'ConfirmResetPasswordInput',
  'ConfirmResetPasswordPayload',
  'SendVerificationEmailInput',
  'SendVerificationEmailPayload',
  'ChallengeInput',
  'ChallengePayload',
  'CloudCodeFunction',
  'CallCloudCodeInput',
  'CallCloudCodePayload',
  'LiveEvent',
  'UpdateCloudConfigInput',
  'UpdateCloudConfigPayload',
  'RunJobInput',
  'RunJobPayload',
  'SendPushInput',
  'SendPushPayload',
  ...CLOUD_CODE_TYPE_NAMES,
  ...WEBHOOK_TYPE_NAMES,
  ...['String', 'Number', 'Boolean', 'Array', 'Object', 'Date', 'File', 'GeoPoint', 'Polygon', 'Bytes'].flatMap((t) => [
    `Schema${t}FieldInput`,
    `Schema${t}Field`,
  ]),
]);

/** Root fields the API reserves for itself. */
export const RESERVED_QUERIES = new Set(['health', 'viewer', 'class', 'classes', 'node', 'cloudConfig', 'cloudCode', ...WEBHOOK_QUERIES]);
export const RESERVED_MUTATIONS = new Set([
  'signUp',
  'logIn',
  'logInWith',
  'logOut',
  'resetPassword',
  'confirmResetPassword',
  'sendVerificationEmail',
  'challenge',
  'createFile',
  'deleteFile',
  'callCloudCode',
  'createClass',
  'updateClass',
  'deleteClass',
  'updateCloudConfig',
  'runJob',
  'sendPush',
  ...WEBHOOK_MUTATIONS,
]);

/**
 * Fields the generated payload and event types have beside the class's object field, which is
 * named as its get query (`CreatePostPayload { post clientMutationId }`, `PostEvent { event
 * post original }`): a class whose get query is one of them would replace it.
 */
const OBJECT_FIELD_SIBLINGS = new Set(['clientMutationId', 'event', 'original']);

/** Why a class's generated names cannot coexist with the others, or undefined when they can. */
function conflict(className: string, taken: { types: Map<string, string>; queries: Map<string, string>; mutations: Map<string, string> }): string | undefined {
  const names = classNames(className);
  const [objectField] = names.queries;
  if (OBJECT_FIELD_SIBLINGS.has(objectField)) return `its field ${objectField} in its payload and event types is the built-in API's`;
  for (const t of names.types) {
    if (STATIC_TYPE_NAMES.has(t)) return `its type name ${t} is a built-in type`;
    const owner = taken.types.get(t);
    if (owner) return `its type name ${t} is already used by class ${owner}`;
  }
  for (const q of names.queries) {
    if (RESERVED_QUERIES.has(q)) return `its query ${q} is reserved`;
    const owner = taken.queries.get(q);
    if (owner) return `its query ${q} is already used by class ${owner}`;
  }
  for (const m of names.mutations) {
    if (RESERVED_MUTATIONS.has(m)) return `its mutation ${m} is reserved`;
    const owner = taken.mutations.get(m);
    if (owner) return `its mutation ${m} is already used by class ${owner}`;
  }
  return undefined;
}

/** System classes first, then the others by name (code-point order, the same on every machine). */
function byPriority(a: string, b: string): number {
  const sa = a.startsWith('_');
  const sb = b.startsWith('_');
  if (sa !== sb) return sa ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Chooses the classes that get GraphQL types: system classes first, then the others by name,
 * and `last` (a class being created or changed) after all of them; a class whose names would
 * collide with an earlier one (or the built-in API) is left out and reported — never silently
 * merged.
 */
export function exposedClasses(snapshot: SchemaSnapshot, last?: string): { exposed: string[]; skipped: [string, string][] } {
  const taken = { types: new Map<string, string>(), queries: new Map<string, string>(), mutations: new Map<string, string>() };
  const exposed: string[] = [];
  const skipped: [string, string][] = [];
  const order = [...snapshot.classes.keys()].filter((c) => c !== last).sort(byPriority);
  if (last !== undefined && snapshot.classes.has(last)) order.push(last);
  for (const className of order) {
    if (!isValidClassName(className)) {
      skipped.push([className, 'its name is not a valid GraphQL name']);
      continue;
    }
    const why = conflict(className, taken);
    if (why) {
      skipped.push([className, why]);
      continue;
    }
    const names = classNames(className);
    for (const t of names.types) taken.types.set(t, className);
    for (const q of names.queries) taken.queries.set(q, className);
    for (const m of names.mutations) taken.mutations.set(m, className);
    exposed.push(className);
  }
  return { exposed, skipped };
}

/**
 * Schema validator: refuses a class change whose generated names would collide with the
 * built-in API or with a class already served (103, with the reason). The changed class is
 * checked last, so a new class can never push an existing one out of the API.
 */
export function refuseCollisions(next: SchemaSnapshot, changedClass: string, previous?: SchemaSnapshot): void {
  // Generated names depend only on the class name: changing an existing class cannot create a
  // collision, and one it already has (a foreign catalog) must not block its changes.
  if (previous?.classes.has(changedClass)) return;
  const { skipped } = exposedClasses(next, changedClass);
  const hit = skipped.find(([name]) => name === changedClass);
  if (hit) throw new ParseError(ErrorCode.INVALID_CLASS_NAME, `Class ${changedClass} cannot be exposed in GraphQL: ${hit[1]}.`);
}
