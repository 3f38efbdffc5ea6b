import { describe, expect, it } from 'vitest';
import { planChange } from '../../src/schema/change.ts';
import { validateClassLevelPermissions } from '../../src/schema/clp.ts';
import { fromStored, toStored } from '../../src/schema/stored.ts';
import type { ClassDef, FieldDef } from '../../src/schema/types.ts';
import { ParseError } from '../../src/errors/index.ts';

const system = new Map<string, ClassDef>([
  ['_User', fromStored({ className: '_User', fields: {} })],
  ['_Role', fromStored({ className: '_Role', fields: {} })],
]);

function errorOf(fn: () => unknown): { code: number; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return { code: (error as ParseError).code, message: (error as ParseError).message };
  }
}

describe('planChange', () => {
  it('plans a new class: default fields, the added ones, Parse’s default CLPs and the _id_ index', () => {
    const plan = planChange(system, 'Post', undefined, { addFields: { title: { type: 'String' }, author: { type: 'Pointer', targetClass: '_User' } } });
    expect(Object.keys(plan.next.fields)).toEqual(['objectId', 'createdAt', 'updatedAt', 'ACL', 'title', 'author']);
    expect(plan.added.map(([n]) => n)).toEqual(['title', 'author']);
    expect(plan.next.indexes).toEqual({ _id_: { _id: 1 } });
    expect(plan.next.classLevelPermissions.find).toEqual({ '*': true });
  });

  it('refuses field types that do not exist or that are implicit', () => {
    expect(errorOf(() => planChange(system, 'P', undefined, { addFields: { a: { type: 'Money' as FieldDef['type'] } } }))?.code).toBe(111);
    expect(errorOf(() => planChange(system, 'P', undefined, { addFields: { a: { type: 'ACL' } } }))?.code).toBe(111);
  });

  it('refuses a pointer without a valid, existing target', () => {
    expect(errorOf(() => planChange(system, 'P', undefined, { addFields: { a: { type: 'Pointer' } } }))?.code).toBe(103);
    expect(errorOf(() => planChange(system, 'P', undefined, { addFields: { a: { type: 'Pointer', targetClass: 'Nope' } } }))?.message).toBe(
      'Target class Nope of field a does not exist.',
    );
    expect(errorOf(() => planChange(system, 'P', undefined, { addFields: { a: { type: 'Relation', targetClass: 'P' } } }))).toBeUndefined();
  });

  it('normalises date defaults to ISO strings and checks default types', () => {
    const plan = planChange(system, 'P', undefined, { addFields: { d: { type: 'Date', defaultValue: { __type: 'Date', iso: '2030-01-01T00:00:00Z' } } } });
    expect(plan.next.fields.d.defaultValue).toBe('2030-01-01T00:00:00.000Z');
    expect(errorOf(() => planChange(system, 'P', undefined, { addFields: { n: { type: 'Number', defaultValue: Number.NaN } } }))?.code).toBe(111);
    expect(errorOf(() => planChange(system, 'P', undefined, { addFields: { o: { type: 'Object', defaultValue: [1] } } }))?.code).toBe(111);
    expect(errorOf(() => planChange(system, 'P', undefined, { addFields: { g: { type: 'GeoPoint', defaultValue: {} } } }))?.code).toBe(111);
  });

  it('removes after it adds (as Parse), ignores unknown removals and protects built-in fields', () => {
    const current = planChange(system, 'P', undefined, { addFields: { a: { type: 'String' } }, indexes: { a_1: { a: 1 } } }).next;
    const plan = planChange(system, 'P', current, { removeFields: ['a', 'ghost', 'b'], addFields: { a: { type: 'Number' }, b: { type: 'String' } } });
    expect(plan.removed.map(([n]) => n)).toEqual(['a']);
    expect(plan.added).toEqual([]);
    expect(plan.next.fields.a).toBeUndefined();
    expect(plan.next.fields.b).toBeUndefined();
    expect(plan.next.indexes).toEqual({ _id_: { _id: 1 } });
    expect(errorOf(() => planChange(system, 'P', current, { removeFields: ['objectId'] }))).toEqual({ code: 136, message: 'field objectId cannot be changed' });
    expect(errorOf(() => planChange(system, '_User', system.get('_User'), { removeFields: ['email'] }))?.code).toBe(136);
  });

  it('treats names of Object.prototype members as ordinary names', () => {
    const addFields = Object.fromEntries<FieldDef>([
      ['toString', { type: 'String' }],
      ['constructor', { type: 'Number' }],
    ]);
    const plan = planChange(system, 'P', undefined, { addFields });
    expect(plan.added.map(([n]) => n)).toEqual(['toString', 'constructor']);
    expect(planChange(system, 'P', plan.next, { removeFields: ['valueOf'] }).removed).toEqual([]);
    expect(errorOf(() => planChange(system, 'P', plan.next, { indexes: { i: { hasOwnProperty: 1 } } }))?.code).toBe(102);
    const forConstructor = planChange(system, 'constructor', undefined, { addFields: { name: { type: 'String' } } });
    expect(Object.keys(forConstructor.next.fields)).toContain('name');
  });
});

describe('stored format', () => {
  it('round-trips a definition through Parse’s JSON and keeps what it does not model', () => {
    const plan = planChange(system, 'P', undefined, {
      addFields: { d: { type: 'Date', defaultValue: '2030-01-01T00:00:00.000Z', required: true }, p: { type: 'Pointer', targetClass: '_User' } },
      indexes: { d_1: { d: 1 } },
    });
    const previous = { className: 'P', fields: { _secret: { type: 'String' }, id: { type: 'String' }, weird: { type: 'Money' } } };
    const stored = toStored(plan.next, previous);
    expect(stored.fields).toMatchObject({
      objectId: { type: 'String' },
      _rperm: { type: 'Array', contents: { type: 'String' } },
      _secret: { type: 'String' },
      id: { type: 'String' },
      weird: { type: 'Money' },
      d: { type: 'Date', required: true, defaultValue: { __type: 'Date', iso: '2030-01-01T00:00:00.000Z' } },
      p: { type: 'Pointer', targetClass: '_User' },
    });
    expect(stored.fields.ACL).toBeUndefined();
    expect(stored.indexes).toEqual({ d_1: { d: 1 } });
    const back = fromStored(JSON.parse(JSON.stringify(stored)));
    expect(back).toEqual(plan.next);
    expect(Object.keys(back.fields)).not.toContain('id');
    expect(Object.keys(back.fields)).not.toContain('weird');
  });

  it('never stores the _User password as a field (Parse keeps _hashed_password)', () => {
    const stored = toStored(system.get('_User')!, { className: '_User', fields: { _hashed_password: { type: 'String' } } });
    expect(stored.fields.password).toBeUndefined();
    expect(stored.fields._hashed_password).toEqual({ type: 'String' });
    expect(stored.fields.username).toEqual({ type: 'String' });
  });
});

describe('validateClassLevelPermissions', () => {
  const fields: Record<string, FieldDef> = {
    objectId: { type: 'String' },
    owner: { type: 'Pointer', targetClass: '_User' },
    team: { type: 'Array' },
    post: { type: 'Pointer', targetClass: 'Post' },
    secret: { type: 'String' },
  };

  it('accepts Parse’s CLP JSON and returns a clean copy', () => {
    const clp = {
      find: { '*': true, pointerFields: ['owner', 'team'] },
      get: { requiresAuthentication: true },
      count: { 'role:Admin Team': true },
      update: { Ab12Cd34: true },
      protectedFields: { '*': ['secret'], authenticated: [], 'userField:owner': ['secret'] },
      readUserFields: ['owner'],
      ACL: { '*': { read: true, write: false } },
    };
    const out = validateClassLevelPermissions(clp, fields);
    expect(out).toEqual(clp);
    expect(out).not.toBe(clp);
  });

  const bad: [string, unknown][] = [
    ['not an object', ['find']],
    ['null', null],
    ['an unknown operation', { destroy: {} }],
    ['an operation that is not an object', { find: true }],
    ['a permission that is not true', { find: { '*': 'yes' } }],
    ['an invalid entity', { find: { 'role:': true } }],
    ['pointerFields to a non-user pointer', { find: { pointerFields: ['post'] } }],
    ['pointerFields to a missing field', { find: { pointerFields: ['nope'] } }],
    ['pointerFields not a list', { find: { pointerFields: 'owner' } }],
    ['writeUserFields to a string field', { writeUserFields: ['secret'] }],
    ['protectedFields with an entity that is neither a user, a role nor a keyword', { protectedFields: { 'user:x': [] } }],
    ['protectedFields with a userField that is not a user reference', { protectedFields: { 'userField:secret': [] } }],
    ['protectedFields not a list', { protectedFields: { '*': 'secret' } }],
    ['protectedFields naming a default field', { protectedFields: { '*': ['objectId'] } }],
    ['protectedFields naming Object.prototype members', { protectedFields: { '*': ['constructor'] } }],
    ['an ACL entry with a bad key', { ACL: { '*': { read: true, delete: true } } }],
    ['an ACL entry with a non-boolean', { ACL: { '*': { read: 'yes' } } }],
  ];
  for (const [what, clp] of bad) {
    it(`refuses ${what} with 107`, () => {
      expect(errorOf(() => validateClassLevelPermissions(clp, fields))?.code).toBe(107);
    });
  }
});
