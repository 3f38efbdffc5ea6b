import {
  Kind,
  type ASTNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
} from 'graphql';
import { STATIC_TYPE_NAMES } from '../collisions.ts';
import { CUSTOM_DIRECTIVES } from './directives.ts';
import { placeOf, sdlError } from './sdl-error.ts';
import type { SdlPlace } from './types.ts';

/** The root types a custom schema may add fields to (subscriptions need a stream, not a value). */
const EXTENSIBLE_ROOTS = new Set(['Query', 'Mutation']);
const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

/** The custom schema's names, as checkDocument found them. */
export interface DocumentNames {
  types: Map<string, SdlPlace>;
  extensions: Map<string, Map<string, SdlPlace>>;
  /** Which of `@resolve` / `@mock` the file declares itself. */
  declaredDirectives: Set<string>;
}

const TYPE_DEFINITIONS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.UNION_TYPE_DEFINITION,
]);

/**
 * Checks that a custom schema holds only what may be merged into the generated one — new
 * object, input, enum, scalar, interface and union types; `extend type Query`, `extend type
 * Mutation` and `extend type <ClassType>` adding fields; `@resolve` and `@mock` on object
 * fields — and collects the names it defines. Runs once, at start-up, so that a mistake stops
 * the server with the line to fix. Whether a name clashes with the generated API is decided
 * when merging (the generated part changes with the classes).
 */
export function checkDocument(file: string, document: DocumentNode): DocumentNames {
  const names: DocumentNames = { types: new Map(), extensions: new Map(), declaredDirectives: new Set() };
  const fail = (node: ASTNode, message: string): never => {
    throw sdlError(file, placeOf(node), message);
  };
  for (const def of document.definitions) {
    if (TYPE_DEFINITIONS.has(def.kind)) checkTypeDefinition(def as TypeDefinition, names, fail);
    else if (def.kind === Kind.OBJECT_TYPE_EXTENSION) checkExtension(def, names, fail);
    else if (def.kind === Kind.DIRECTIVE_DEFINITION) {
      if (!CUSTOM_DIRECTIVES.has(def.name.value)) fail(def, `directive @${def.name.value} cannot be declared: a custom schema uses only @resolve and @mock`);
      if (names.declaredDirectives.has(def.name.value)) fail(def, `directive @${def.name.value} is declared twice`);
      names.declaredDirectives.add(def.name.value);
    } else fail(def, `${describe(def)} is not allowed: a custom schema defines types and extends Query, Mutation or a class type`);
  }
  for (const [typeName, fields] of names.extensions) {
    const defined = names.types.get(typeName);
    const extended = [...fields.values()][0];
    if (defined && extended)
      throw sdlError(file, extended, `type ${typeName} is defined in this file (line ${defined.line}) and extended as well; put its fields in its definition`);
  }
  return names;
}

type TypeDefinition = Extract<DefinitionNode, { name: unknown; kind: `${string}TypeDefinition` }>;
type Fail = (node: ASTNode, message: string) => never;

function checkTypeDefinition(def: TypeDefinition, names: DocumentNames, fail: Fail): void {
  const name = def.name.value;
  if (ROOTS.has(name)) {
    fail(
      def.name,
      EXTENSIBLE_ROOTS.has(name)
        ? `type ${name} is the API's own root type: write "extend type ${name} { … }" to add fields to it`
        : `subscriptions cannot be added by a custom schema`,
    );
  }
  if (name.startsWith('__')) fail(def.name, `type ${name}: names starting with "__" are reserved by GraphQL`);
  if (STATIC_TYPE_NAMES.has(name)) fail(def.name, `type ${name} clashes with a built-in type of the API; rename it`);
  const first = names.types.get(name);
  if (first) fail(def.name, `type ${name} is defined twice (first at line ${first.line})`);
  names.types.set(name, placeOf(def.name));
  noDirectives(def.directives, def.kind === Kind.SCALAR_TYPE_DEFINITION ? ['specifiedBy'] : [], fail);
  if (def.kind === Kind.OBJECT_TYPE_DEFINITION) for (const f of def.fields ?? []) checkField(f, true, fail);
  if (def.kind === Kind.INTERFACE_TYPE_DEFINITION) for (const f of def.fields ?? []) checkField(f, false, fail);
  if (def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) for (const f of def.fields ?? []) noDirectives(f.directives, ['deprecated'], fail);
  if (def.kind === Kind.ENUM_TYPE_DEFINITION) for (const v of def.values ?? []) noDirectives(v.directives, ['deprecated'], fail);
}

function checkExtension(def: Extract<DefinitionNode, { kind: Kind.OBJECT_TYPE_EXTENSION }>, names: DocumentNames, fail: Fail): void {
  const name = def.name.value;
  if (name === 'Subscription') fail(def, 'subscriptions cannot be added by a custom schema');
  if (STATIC_TYPE_NAMES.has(name) && !EXTENSIBLE_ROOTS.has(name))
    fail(def, `type ${name} is a built-in type of the API; only Query, Mutation and class types can be extended`);
  if (def.interfaces?.length || def.directives?.length) fail(def, `extend type ${name} may only add fields (no interfaces or directives)`);
  let fields = names.extensions.get(name);
  if (!fields) names.extensions.set(name, (fields = new Map()));
  for (const field of def.fields ?? []) {
    const first = fields.get(field.name.value);
    if (first) fail(field, `field ${name}.${field.name.value} is added twice (first at line ${first.line})`);
    fields.set(field.name.value, placeOf(field));
    checkField(field, true, fail);
  }
}

/** Object fields may carry @resolve / @mock (well formed); anything else only @deprecated. */
function checkField(field: FieldDefinitionNode, onObject: boolean, fail: Fail): void {
  noDirectives(field.directives, onObject ? ['deprecated', ...CUSTOM_DIRECTIVES] : ['deprecated'], fail);
  for (const arg of field.arguments ?? []) checkArgument(arg, fail);
  for (const d of field.directives ?? []) {
    const args = d.arguments ?? [];
    if (d.name.value === 'resolve') {
      for (const a of args) {
        if (a.name.value !== 'to') fail(a, `@resolve takes only "to" (the cloud function's name), not "${a.name.value}"`);
        if (a.value.kind !== Kind.STRING) fail(a, "@resolve(to:) must be a string: the cloud function's name");
      }
    }
    if (d.name.value === 'mock') {
      if (!args.some((a) => a.name.value === 'with')) fail(d, '@mock needs a value: @mock(with: …)');
      for (const a of args) if (a.name.value !== 'with') fail(a, `@mock takes only "with" (the value), not "${a.name.value}"`);
    }
  }
}

function checkArgument(arg: InputValueDefinitionNode, fail: Fail): void {
  noDirectives(arg.directives, ['deprecated'], fail);
}

function noDirectives(directives: readonly DirectiveNode[] | undefined, allowed: readonly string[], fail: Fail): void {
  for (const d of directives ?? []) {
    if (allowed.includes(d.name.value)) continue;
    if (CUSTOM_DIRECTIVES.has(d.name.value)) fail(d, `@${d.name.value} is allowed only on the fields of object types`);
    fail(d, `directive @${d.name.value} is not supported: a custom schema uses only @resolve and @mock`);
  }
}

const EXTENSION_KINDS: Partial<Record<string, string>> = {
  [Kind.SCALAR_TYPE_EXTENSION]: 'extend scalar',
  [Kind.INTERFACE_TYPE_EXTENSION]: 'extend interface',
  [Kind.UNION_TYPE_EXTENSION]: 'extend union',
  [Kind.ENUM_TYPE_EXTENSION]: 'extend enum',
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'extend input',
};

function describe(def: DefinitionNode): string {
  if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) return 'a schema definition';
  if (def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION) return 'an operation or fragment';
  return `"${EXTENSION_KINDS[def.kind] ?? def.kind}"`;
}
