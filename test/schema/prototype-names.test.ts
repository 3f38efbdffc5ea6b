import { afterEach, describe, expect, it } from 'vitest';
import { decodeJson, newObject } from '../../src/cloud/object/index.ts';
import { applyAnswer } from '../../src/cloud/webhooks/handlers.ts';
import { loadAuthConfig } from '../../src/config/auth.ts';
import { buildGraphQLSchema } from '../../src/graphql/build-schema.ts';
import { callableFunctions } from '../../src/graphql/cloud/functions.ts';
import { planChange } from '../../src/schema/change.ts';
import { fromStored, toStored, type StoredSchema } from '../../src/schema/stored.ts';
import type { ClassDef, SchemaSnapshot } from '../../src/schema/types.ts';
import { aclFromColumns, validateAcl } from '../../src/security/acl.ts';
import { SchemaHolder } from '../../src/server/schema-holder.ts';
import { env } from '../cloud/object-fixture.ts';

// The lookups of issue 11 point 14 that are hard to reach from outside: records keyed by
// user-chosen names (class and field definitions, ACLs, webhook answers, cloud JSON, provider
// names, cloud function names in the schema). test/schema/prototype-names.db.test.ts runs the
// same names end to end.

const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];

function snapshot(...defs: ClassDef[]): SchemaSnapshot {
  return { version: '1', classes: new Map(defs.map((d) => [d.className, d])) };
}

afterEach(() => {
  // Nothing may have written to Object.prototype.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).read).toBeUndefined();
});

describe('class definitions', () => {
  it('read from the catalog: fields and indexes without a prototype', () => {
    const cls = fromStored({
      className: 'constructor',
      fields: { toString: { type: 'String' } },
      indexes: { constructor: { toString: 1 } },
    } as unknown as StoredSchema);
    expect(Object.getPrototypeOf(cls.fields)).toBeNull();
    expect(Object.getPrototypeOf(cls.indexes)).toBeNull();
    expect(cls.fields.toString).toEqual({ type: 'String' });
    for (const name of PROTOTYPE_NAMES.filter((n) => n !== 'toString')) expect(cls.fields[name], name).toBeUndefined();
    expect(cls.indexes.constructor).toEqual({ toString: 1 });
    expect(cls.indexes.hasOwnProperty).toBeUndefined();
  });

  it('after a change: fields and indexes without a prototype', () => {
    const plan = planChange(snapshot().classes, 'Post', undefined, {
      addFields: { constructor: { type: 'Number' as const } },
      indexes: { toString: { constructor: 1 } },
    });
    expect(Object.getPrototypeOf(plan.next.fields)).toBeNull();
    expect(Object.getPrototypeOf(plan.next.indexes)).toBeNull();
    expect(plan.next.fields.constructor).toEqual({ type: 'Number' });
    expect(plan.next.fields.valueOf).toBeUndefined();
    const changed = planChange(snapshot(plan.next).classes, 'Post', plan.next, { removeFields: ['constructor'] });
    expect(Object.getPrototypeOf(changed.next.fields)).toBeNull();
    expect(changed.next.fields.constructor).toBeUndefined();
    expect(Object.getPrototypeOf(changed.next.indexes)).toBeNull();
  });

  it('written back: a stored field Plinth does not model keeps its name, __proto__ included', () => {
    const previous = JSON.parse('{"className":"P","fields":{"__proto__":{"type":"String"},"constructor":{"type":"Number"}}}');
    const stored = toStored(fromStored(previous), previous);
    expect(Object.hasOwn(stored.fields, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(stored.fields)).constructor).toEqual({ type: 'Number' });
  });
});

describe('ACLs', () => {
  it('read from the permission arrays: every entity is an own entry and nothing reaches Object.prototype', () => {
    const acl = aclFromColumns(['__proto__', 'constructor', 'role:toString'], ['hasOwnProperty', 'constructor']);
    expect(Object.entries(acl)).toEqual([
      ['__proto__', { read: true }],
      ['constructor', { read: true, write: true }],
      ['role:toString', { read: true }],
      ['hasOwnProperty', { write: true }],
    ]);
    expect((Object as unknown as Record<string, unknown>).read).toBeUndefined();
  });

  it('validated: an entity called __proto__ stays an entry', () => {
    const acl = validateAcl(JSON.parse('{"__proto__": {"read": true}, "constructor": {"write": true}}'));
    expect(Object.entries(acl)).toEqual([
      ['__proto__', { read: true }],
      ['constructor', { write: true }],
    ]);
  });
});

describe('cloud code', () => {
  it("an object's Parse JSON keeps fields called constructor; plain JSON inside values still drops them", () => {
    const json = JSON.parse(
      '{"__type":"Object","className":"Post","objectId":"p1","constructor":"c","toString":2,"__proto__":"x","meta":{"constructor":1,"ok":2}}',
    );
    const post = decodeJson(json, env, { dropDangerousKeys: true }) as ReturnType<typeof newObject>;
    expect(post.get('constructor')).toBe('c');
    expect(post.get('toString')).toBe(2);
    expect(post.get('__proto__')).toBeUndefined();
    expect(post.get('meta')).toEqual({ ok: 2 });
  });

  it("a beforeSave webhook's answer may change a field called constructor or toString", () => {
    const post = newObject('Post', {}, env);
    applyAnswer(post, {}, JSON.parse('{"constructor":"changed","toString":3,"__proto__":"never"}'), env);
    expect(post.get('constructor')).toBe('changed');
    expect(post.get('toString')).toBe(3);
    expect(post.dirtyKeys().sort()).toEqual(['constructor', 'toString']);
  });
});

describe('cloud function names in the GraphQL schema', () => {
  const classes = new Map([['_User', fromStored({ className: '_User', fields: {} })]]);
  const current: SchemaSnapshot = { version: '1', classes };
  const store = { current, onChange: () => () => {} } as unknown as ConstructorParameters<typeof SchemaHolder>[0];

  it('CloudCodeFunction lists the names that can be enum values: not those beginning with __', () => {
    expect(callableFunctions(['__proto__', '__defineGetter__', 'constructor', 'toString', 'my-fn', 'true', 'ok'])).toEqual(['constructor', 'ok', 'toString']);
  });

  it('a schema GraphQL would refuse is never built: the holder keeps serving the previous one', () => {
    expect(() => buildGraphQLSchema(current, undefined, undefined, { functionNames: ['__hidden'] })).toThrow(/"__hidden" must not begin with "__"/);
    const holder = new SchemaHolder(store, undefined, undefined, { functionNames: ['constructor'] });
    const before = holder.current;
    holder.cloudChanged({ functionNames: ['__hidden', 'constructor'] });
    expect(holder.current).toBe(before);
  });
});

describe('sign-in provider names', () => {
  it('a provider called constructor has no built-in issuer; one called __proto__ is kept', () => {
    const load = (providers: string) => loadAuthConfig({ PLINTH_AUTH_PROVIDERS: providers });
    expect(() => load('{"constructor": {"clientIds": ["c"]}}')).toThrow(
      'PLINTH_AUTH_PROVIDERS.constructor needs an "issuer" (unless google/apple) and "clientIds"',
    );
    expect(() => loadAuthConfig({}, { oidc: { toString: { clientIds: ['c'] } } })).toThrow('auth.oidc.toString needs an "issuer"');
    const config = load('{"__proto__": {"issuer": "https://idp.example/", "clientIds": ["c"]}}');
    expect(Object.entries(config.oidc)).toEqual([['__proto__', { issuer: 'https://idp.example', clientIds: ['c'], jwksUri: undefined }]]);
  });
});
