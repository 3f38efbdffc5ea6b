import { describe, expect, it } from 'vitest';
import { exposedClasses, refuseCollisions, STATIC_TYPE_NAMES } from '../../src/graphql/collisions.ts';
import { builtInSchema } from '../../src/graphql/builtin-schema.ts';
import { fromStored } from '../../src/schema/stored.ts';
import type { ClassDef, SchemaSnapshot } from '../../src/schema/types.ts';
import { ParseError } from '../../src/errors/index.ts';

function snapshot(...names: string[]): SchemaSnapshot {
  const classes = new Map<string, ClassDef>();
  for (const name of ['_User', '_Role', ...names]) classes.set(name, fromStored({ className: name, fields: {} }));
  return { version: '1', classes };
}

/** Runs the validator as createClass does: the catalog before, and with the new class. */
function create(existing: string[], name: string): string | undefined {
  const before = snapshot(...existing);
  const after = snapshot(...existing, name);
  try {
    refuseCollisions(after, name, before);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).code).toBe(103);
    return (error as ParseError).message;
  }
}

describe('GraphQL name collisions at createClass', () => {
  it('accept ordinary classes', () => {
    expect(create([], 'Post')).toBeUndefined();
    expect(create(['Post'], 'Comment')).toBeUndefined();
  });

  it('refuse a class whose type name another class has (car vs Car, User vs _User)', () => {
    expect(create(['Car'], 'car')).toMatch(/Class car cannot be exposed in GraphQL: its type name Car is already used by class Car/);
    expect(create(['car'], 'Car')).toMatch(/already used by class car/);
    expect(create([], 'User')).toMatch(/already used by class _User/);
    expect(create([], 'Role')).toMatch(/already used by class _Role/);
  });

  it('accept a class whose singular and plural are the same (its find query takes `List`, test/graphql/plural-names.test.ts)', () => {
    expect(create([], 'Data')).toBeUndefined();
    expect(create([], 'Sheep')).toBeUndefined();
  });

  it('refuse a name ending in Connection, Edge, … that clashes with another class’s generated types, in either order', () => {
    expect(create(['Post'], 'PostConnection')).toMatch(/PostConnection is already used by class Post/);
    expect(create(['PostConnection'], 'Post')).toMatch(/PostConnection is already used by class PostConnection/);
    expect(create(['Post'], 'PostEdge')).toMatch(/already used by class Post/);
    expect(create(['Post'], 'PostWhereInput')).toMatch(/already used/);
  });

  it('refuse reserved type names and root fields', () => {
    for (const name of ['Class', 'Node', 'ACL', 'File', 'Query', 'Mutation', 'Viewer', 'Upload', 'PageInfo', 'Element', 'GeoPoint']) {
      expect(create([], name), name).toMatch(/is a built-in type/);
    }
    expect(create([], 'CloudConfig')).toMatch(/UpdateCloudConfigInput is a built-in type|query cloudConfig is reserved/);
  });

  it('never let a new class push an existing one out of the API', () => {
    const s = snapshot('PostConnection', 'Post');
    expect(exposedClasses(s, 'Post').exposed).toContain('PostConnection');
    expect(exposedClasses(s, 'Post').skipped.map(([n]) => n)).toEqual(['Post']);
  });

  it('do not block changes to a class that already collides (a foreign catalog)', () => {
    const s = snapshot('Car', 'car');
    expect(() => refuseCollisions(s, 'car', s)).not.toThrow();
  });

  it('know every type name of the built-in API', () => {
    const systemTypes = new Set(
      ['User', 'Role', 'Session', 'Installation', 'PushStatus', 'JobStatus', 'JobSchedule'].flatMap((t) => [
        t,
        `${t}Connection`,
        `${t}Edge`,
        `${t}WhereInput`,
        `${t}RelationWhereInput`,
        `${t}Order`,
        `Create${t}FieldsInput`,
        `Update${t}FieldsInput`,
        `${t}PointerInput`,
        `${t}RelationInput`,
        `Create${t}Input`,
        `Create${t}Payload`,
        `Update${t}Input`,
        `Update${t}Payload`,
        `Delete${t}Input`,
        `Delete${t}Payload`,
        `${t}Event`,
        // Atomic operations on update (generated for classes with Number / Array fields).
        `Increment${t}FieldsInput`,
        `${t}ArrayItemsInput`,
      ]),
    );
    const missing = Object.keys(builtInSchema().getTypeMap()).filter((t) => !t.startsWith('__') && !systemTypes.has(t) && !STATIC_TYPE_NAMES.has(t));
    expect(missing).toEqual([]);
  });
});
