import { expect } from 'vitest';
import { ParseError } from '../../src/errors/index.ts';
import type { CloudEnv } from '../../src/cloud/object/index.ts';
import type { ClassDef, FieldDef } from '../../src/schema/index.ts';

/** Classes and the environment the cloud object, codec and query tests share. */

function classDef(className: string, fields: Record<string, FieldDef>): ClassDef {
  const system: Record<string, FieldDef> = { objectId: { type: 'String' }, createdAt: { type: 'Date' }, updatedAt: { type: 'Date' }, ACL: { type: 'ACL' } };
  return { className, fields: { ...system, ...fields }, classLevelPermissions: {}, indexes: {} };
}

export const Author = classDef('Author', { name: { type: 'String' }, age: { type: 'Number' }, mentor: { type: 'Pointer', targetClass: 'Author' } });
export const Post = classDef('Post', {
  title: { type: 'String' },
  views: { type: 'Number' },
  published: { type: 'Boolean' },
  when: { type: 'Date' },
  author: { type: 'Pointer', targetClass: 'Author' },
  editors: { type: 'Relation', targetClass: 'Author' },
  cover: { type: 'File' },
  loc: { type: 'GeoPoint' },
  area: { type: 'Polygon' },
  blob: { type: 'Bytes' },
  meta: { type: 'Object' },
  tags: { type: 'Array' },
  // Field names that are also members of Object.prototype.
  ['__proto__']: { type: 'String' },
  constructor: { type: 'String' } as FieldDef,
  toString: { type: 'Number' } as FieldDef,
});

export const classes = new Map([
  ['Author', Author],
  ['Post', Post],
]);

export const env: CloudEnv = {
  classOf: (className) => classes.get(className),
  fileUrl: (name) => `http://files.test/${encodeURIComponent(name)}`,
};

/** The ParseError `fn` throws (fails the test when it throws nothing or something else). */
export function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error('expected a ParseError, nothing was thrown');
}
