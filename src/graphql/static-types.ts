import type { Builder, Ref, Refs } from './builder.ts';
import { inp, out, type Spec } from './type-spec.ts';
import { CLASS, type ParseObject } from '../core/index.ts';
import type { AclMap } from '../security/index.ts';
import { toGlobalId, typeName } from './inflection.ts';

type Fields = Record<string, Ref>;

/** Declares an input object whose fields are [type, spec] pairs. */
function inputObject(builder: Builder, refs: Refs, name: string, fields: () => Record<string, [Ref, Spec]>, description?: string): Ref {
  return refs.set(
    name,
    builder.inputType(name, {
      description,
      fields: (t: Ref) => {
        const out: Fields = {};
        for (const [field, [type, spec]] of Object.entries(fields()))
          out[field] = t.field(inp(typeof type === 'string' ? (refs.get(type) ?? type) : type, spec));
        return out;
      },
    } as Ref),
  );
}

/** The built-in types of Parse's GraphQL API that do not depend on the classes. */
export function defineStaticTypes(builder: Builder, refs: Refs): void {
  const b = builder as Ref;
  for (const scalar of ['Upload', 'Any', 'Object', 'Date', 'Bytes', 'File']) refs.set(scalar, scalar);
  for (const scalar of ['String', 'Float', 'Int', 'Boolean', 'ID']) refs.set(scalar, scalar);

  refs.set(
    'FileInfo',
    b.objectRef('FileInfo').implement({
      description: 'The FileInfo object type is used to return the information about files.',
      fields: (t: Ref) => ({
        name: t.field({ ...out('String', '!'), resolve: (f: { name: string }) => f.name }),
        url: t.field({ ...out('String', '!'), resolve: (f: { url: string }) => f.url }),
      }),
    }),
  );
  inputObject(builder, refs, 'FileInput', () => ({ file: ['File', ''], upload: ['Upload', ''] }));
  inputObject(builder, refs, 'GeoPointInput', () => ({ latitude: ['Float', '!'], longitude: ['Float', '!'] }));
  refs.set(
    'GeoPoint',
    b.objectRef('GeoPoint').implement({
      fields: (t: Ref) => ({
        latitude: t.exposeFloat('latitude', { nullable: false }),
        longitude: t.exposeFloat('longitude', { nullable: false }),
      }),
    }),
  );

  refs.set(
    'Node',
    b.interfaceRef('Node').implement({
      description: 'An object with an ID',
      fields: (t: Ref) => ({ id: t.field({ ...out('ID', '!'), resolve: globalIdOf }) }),
      resolveType: (o: ParseObject) => typeName(o[CLASS]),
    }),
  );
  refs.set(
    'ParseObject',
    b.interfaceRef('ParseObject').implement({
      description: 'The ParseObject interface type is used as a base type for the auto generated object types.',
      fields: (t: Ref) => ({
        objectId: t.exposeID('objectId', { nullable: false }),
        // Read as stored, without resolvers: the JIT reads them inline (see object-type.ts).
        createdAt: t.field(out('Date', '!')),
        updatedAt: t.field(out('Date', '!')),
        ACL: t.field(out(refs.get('ACL'), '!')),
      }),
      resolveType: (o: ParseObject) => typeName(o[CLASS]),
    }),
  );

  refs.set(
    'ReadPreference',
    b.enumType('ReadPreference', { values: ['PRIMARY', 'PRIMARY_PREFERRED', 'SECONDARY', 'SECONDARY_PREFERRED', 'NEAREST'] as const }),
  );
  inputObject(builder, refs, 'ReadOptionsInput', () => ({
    readPreference: ['ReadPreference', ''],
    includeReadPreference: ['ReadPreference', ''],
    subqueryReadPreference: ['ReadPreference', ''],
  }));
  inputObject(builder, refs, 'SearchInput', () => ({
    term: ['String', '!'],
    language: ['String', ''],
    caseSensitive: ['Boolean', ''],
    diacriticSensitive: ['Boolean', ''],
  }));
  inputObject(builder, refs, 'TextInput', () => ({ search: ['SearchInput', '!'] }));
  inputObject(builder, refs, 'BoxInput', () => ({ bottomLeft: ['GeoPointInput', '!'], upperRight: ['GeoPointInput', '!'] }));
  inputObject(builder, refs, 'WithinInput', () => ({ box: ['BoxInput', '!'] }));
  inputObject(builder, refs, 'CenterSphereInput', () => ({ center: ['GeoPointInput', '!'], distance: ['Float', '!'] }));
  inputObject(builder, refs, 'GeoWithinInput', () => ({ polygon: ['GeoPointInput', '[!]'], centerSphere: ['CenterSphereInput', ''] }));
  inputObject(builder, refs, 'GeoIntersectsInput', () => ({ point: ['GeoPointInput', ''] }));
  inputObject(builder, refs, 'SubqueryInput', () => ({ className: ['String', '!'], where: ['Object', '!'] }));
  inputObject(builder, refs, 'SelectInput', () => ({ query: ['SubqueryInput', '!'], key: ['String', '!'] }));
  inputObject(builder, refs, 'KeyValueInput', () => ({ key: ['String', '!'], value: ['Any', '!'] }));

  const comparisons = (scalar: string): Record<string, [Ref, Spec]> => ({
    equalTo: [scalar, ''],
    notEqualTo: [scalar, ''],
    lessThan: [scalar, ''],
    lessThanOrEqualTo: [scalar, ''],
    greaterThan: [scalar, ''],
    greaterThanOrEqualTo: [scalar, ''],
    in: [scalar, '[]'],
    notIn: [scalar, '[]'],
    exists: ['Boolean', ''],
  });
  const subqueries: Record<string, [Ref, Spec]> = { inQueryKey: ['SelectInput', ''], notInQueryKey: ['SelectInput', ''] };
  inputObject(builder, refs, 'IdWhereInput', () => ({ ...comparisons('ID'), ...subqueries }));
  inputObject(builder, refs, 'StringWhereInput', () => ({
    ...comparisons('String'),
    matchesRegex: ['String', ''],
    options: ['String', ''],
    text: ['TextInput', ''],
    ...subqueries,
  }));
  inputObject(builder, refs, 'NumberWhereInput', () => ({ ...comparisons('Float'), ...subqueries }));
  inputObject(builder, refs, 'BooleanWhereInput', () => ({ equalTo: ['Boolean', ''], notEqualTo: ['Boolean', ''], exists: ['Boolean', ''], ...subqueries }));
  inputObject(builder, refs, 'ArrayWhereInput', () => ({ ...comparisons('Any'), containedBy: ['Any', '[]'], contains: ['Any', '[]'], ...subqueries }));
  inputObject(builder, refs, 'ObjectWhereInput', () => ({
    equalTo: ['KeyValueInput', ''],
    notEqualTo: ['KeyValueInput', ''],
    in: ['KeyValueInput', '[]'],
    notIn: ['KeyValueInput', '[]'],
    lessThan: ['KeyValueInput', ''],
    lessThanOrEqualTo: ['KeyValueInput', ''],
    greaterThan: ['KeyValueInput', ''],
    greaterThanOrEqualTo: ['KeyValueInput', ''],
    exists: ['Boolean', ''],
    ...subqueries,
  }));
  inputObject(builder, refs, 'DateWhereInput', () => ({ ...comparisons('Date'), ...subqueries }));
  inputObject(builder, refs, 'BytesWhereInput', () => ({ ...comparisons('Bytes'), ...subqueries }));
  inputObject(builder, refs, 'FileWhereInput', () => ({ ...comparisons('File'), matchesRegex: ['String', ''], options: ['String', ''], ...subqueries }));
  inputObject(builder, refs, 'GeoPointWhereInput', () => ({
    exists: ['Boolean', ''],
    nearSphere: ['GeoPointInput', ''],
    maxDistance: ['Float', ''],
    maxDistanceInRadians: ['Float', ''],
    maxDistanceInMiles: ['Float', ''],
    maxDistanceInKilometers: ['Float', ''],
    within: ['WithinInput', ''],
    geoWithin: ['GeoWithinInput', ''],
  }));
  inputObject(builder, refs, 'PolygonWhereInput', () => ({ exists: ['Boolean', ''], geoIntersects: ['GeoIntersectsInput', ''] }));

  refs.set(
    'Element',
    b.objectRef('Element').implement({ fields: (t: Ref) => ({ value: t.field({ ...out('Any', '!'), resolve: (e: { value: unknown }) => e.value }) }) }),
  );

  inputObject(builder, refs, 'UserACLInput', () => ({ userId: ['ID', '!'], read: ['Boolean', '!'], write: ['Boolean', '!'] }));
  inputObject(builder, refs, 'RoleACLInput', () => ({ roleName: ['String', '!'], read: ['Boolean', '!'], write: ['Boolean', '!'] }));
  inputObject(builder, refs, 'PublicACLInput', () => ({ read: ['Boolean', '!'], write: ['Boolean', '!'] }));
  inputObject(builder, refs, 'ACLInput', () => ({ users: ['UserACLInput', '[!]'], roles: ['RoleACLInput', '[!]'], public: ['PublicACLInput', ''] }));
  const rights = (t: Ref, nullable: boolean) => ({
    read: t.exposeBoolean('read', { nullable }),
    write: t.exposeBoolean('write', { nullable }),
  });
  refs.set('UserACL', b.objectRef('UserACL').implement({ fields: (t: Ref) => ({ userId: t.exposeID('userId', { nullable: false }), ...rights(t, false) }) }));
  refs.set(
    'RoleACL',
    b.objectRef('RoleACL').implement({ fields: (t: Ref) => ({ roleName: t.exposeID('roleName', { nullable: false }), ...rights(t, false) }) }),
  );
  refs.set('PublicACL', b.objectRef('PublicACL').implement({ fields: (t: Ref) => rights(t, true) }));
  refs.set(
    'ACL',
    b.objectRef('ACL').implement({
      description: 'Current access control list of the current object.',
      fields: (t: Ref) => ({
        users: t.field({ ...out(refs.get('UserACL'), '[!]'), resolve: aclUsers }),
        roles: t.field({ ...out(refs.get('RoleACL'), '[!]'), resolve: aclRoles }),
        public: t.field({
          ...out(refs.get('PublicACL'), ''),
          resolve: (acl: AclMap) => (acl['*'] ? { read: !!acl['*'].read, write: !!acl['*'].write } : null),
        }),
      }),
    }),
  );

  refs.set(
    'PageInfo',
    b.objectRef('PageInfo').implement({
      description: 'Information about pagination in a connection.',
      fields: (t: Ref) => ({
        hasNextPage: t.exposeBoolean('hasNextPage', { nullable: false }),
        hasPreviousPage: t.exposeBoolean('hasPreviousPage', { nullable: false }),
        startCursor: t.exposeString('startCursor', { nullable: true }),
        endCursor: t.exposeString('endCursor', { nullable: true }),
      }),
    }),
  );
}

export function globalIdOf(o: ParseObject): string {
  return toGlobalId(o[CLASS], o.objectId);
}

function aclUsers(acl: AclMap) {
  const users = Object.entries(acl)
    .filter(([k]) => k !== '*' && !k.startsWith('role:'))
    .map(([k, r]) => ({ userId: toGlobalId('_User', k), read: !!r.read, write: !!r.write }));
  return users.length ? users : null;
}

function aclRoles(acl: AclMap) {
  const roles = Object.entries(acl)
    .filter(([k]) => k.startsWith('role:'))
    .map(([k, r]) => ({ roleName: k.slice(5), read: !!r.read, write: !!r.write }));
  return roles.length ? roles : null;
}
