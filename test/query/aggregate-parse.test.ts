import { describe, expect, it } from 'vitest';
import { parsePipeline, MAX_STAGES } from '../../src/query/aggregate/index.ts';
import type { ClassDef } from '../../src/schema/index.ts';

// Checking a pipeline: what each stage outputs (names and types, which decide how results are
// returned and what later stages may do), and Parse's errors for what does not check.

const POST: ClassDef = {
  className: 'Post',
  fields: {
    objectId: { type: 'String' },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
    ACL: { type: 'ACL' },
    title: { type: 'String' },
    views: { type: 'Number' },
    published: { type: 'Boolean' },
    author: { type: 'Pointer', targetClass: 'Writer' },
    meta: { type: 'Object' },
    loc: { type: 'GeoPoint' },
    fans: { type: 'Relation', targetClass: 'Writer' },
  },
  classLevelPermissions: {},
  indexes: {},
};
const ctx = { classes: new Map([['Post', POST]]) };
const plan = (pipeline: unknown) => parsePipeline(pipeline, POST, ctx);
const output = (pipeline: unknown[]) => plan(pipeline).output.map((f) => `${f.name}:${f.type}${f.keepNull ? '?' : ''}`);

function refusal(pipeline: unknown): { code: number; message: string } {
  try {
    plan(pipeline);
  } catch (e) {
    const { code, message } = e as { code: number; message: string };
    return { code, message };
  }
  throw new Error(`accepted ${JSON.stringify(pipeline)}`);
}

describe('aggregate pipeline: outputs', () => {
  it('starts from the class’s columns: no ACL, no relation', () => {
    expect(output([])).toEqual([
      'objectId:String',
      'createdAt:Date',
      'updatedAt:Date',
      'title:String',
      'views:Number',
      'published:Boolean',
      'author:Pointer',
      'meta:Object',
      'loc:GeoPoint',
    ]);
  });

  it('a group outputs objectId and its accumulators; a pointer key is its objectId', () => {
    expect(output([{ $group: { _id: '$author', n: { $sum: 1 }, last: { $max: '$createdAt' }, any: { $max: '$published' } } }])).toEqual([
      'objectId:String?',
      'n:Number?',
      'last:Date?',
      'any:Boolean?',
    ]);
    expect(output([{ $group: { _id: { y: { $year: '$createdAt' } } } }])).toEqual(['objectId:Object?']);
    expect(output([{ $group: { _id: { $month: '$createdAt' } } }])).toEqual(['objectId:Number?']);
    expect(output([{ $group: { _id: '$createdAt' } }])).toEqual(['objectId:Date?']);
  });

  it('$project keeps objectId unless told, renames keep the type, exclusion keeps the rest', () => {
    expect(output([{ $project: { title: 1, by: '$author' } }])).toEqual(['objectId:String', 'title:String', 'by:Pointer']);
    expect(output([{ $project: { _id: 0, title: 1 } }])).toEqual(['title:String']);
    expect(output([{ $project: { _id: 0 } }]).length).toBe(8);
    expect(output([{ $project: { meta: 0, loc: 0, author: 0 } }])).toEqual([
      'objectId:String',
      'createdAt:Date',
      'updatedAt:Date',
      'title:String',
      'views:Number',
      'published:Boolean',
    ]);
  });

  it('$count outputs only the count', () => {
    expect(output([{ $count: 'total' }])).toEqual(['total:Number?']);
  });

  it('a $match after a $group is checked against the group’s fields', () => {
    expect(() => plan([{ $group: { _id: '$author', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 }, _id: 'abc' } }])).not.toThrow();
    expect(refusal([{ $group: { _id: '$author', n: { $sum: 1 } } }, { $match: { views: 1 } }])).toMatchObject({ code: 102 });
  });
});

describe('aggregate pipeline: refusals', () => {
  it.each([
    ['not a list', { $match: {} }, /must be a list of stages/],
    ['a stage that is not an object', ['$match'], /must be an object/],
    ['a stage with two keys', [{ $match: {}, $sort: { views: 1 } }], /Pipeline stages should only have one key but found \$match, \$sort\./],
    ['a stage with no key', [{}], /found none/],
    ['a stage name without $', [{ group: { _id: null } }], /Invalid aggregate stage 'group'\./],
    ['$unwind (Parse’s PostgreSQL adapter has none)', [{ $unwind: '$tags' }], /Unsupported aggregate stage \$unwind/],
    ['$sample', [{ $sample: { size: 1 } }], /Unsupported aggregate stage \$sample/],
    ['$lookup', [{ $lookup: {} }], /Unsupported aggregate stage \$lookup/],
    ['$group without _id', [{ $group: { n: { $sum: 1 } } }], /Missing key _id/],
    ['$group with objectId', [{ $group: { _id: null, objectId: { $sum: 1 } } }], /Cannot use 'objectId'/],
    ['a group key that is not a reference', [{ $group: { _id: 'author' } }], /expected a field reference/],
    ['a group key of an unknown field', [{ $group: { _id: '$nope' } }], /"\$nope" is not a field of class Post/],
    ['a group key on a GeoPoint', [{ $group: { _id: '$loc' } }], /cannot group by GeoPoint/],
    ['a group key on the ACL', [{ $group: { _id: '$ACL' } }], /not a field/],
    ['a group key on a relation', [{ $group: { _id: '$fans' } }], /not a field/],
    ['a date operator on a non-date', [{ $group: { _id: { $year: '$views' } } }], /applies to Date fields/],
    ['an unknown operator in a key', [{ $group: { _id: { $yearz: '$createdAt' } } }], /date operator/],
    ['a constant group key', [{ $group: { _id: 1 } }], /must be null, a field reference/],
    ['an unknown accumulator', [{ $group: { _id: null, f: { $first: '$title' } } }], /expected one of \$sum/],
    ['an accumulator that is not an object', [{ $group: { _id: null, f: '$title' } }], /expected one of \$sum/],
    ['$sum of a String', [{ $group: { _id: null, s: { $sum: '$title' } } }], /applies to Number fields/],
    ['$avg of a Pointer', [{ $group: { _id: null, s: { $avg: '$author' } } }], /applies to Number fields/],
    ['$max of an Object', [{ $group: { _id: null, s: { $max: '$meta' } } }], /Object values have no order/],
    ['$count with an argument', [{ $group: { _id: null, c: { $count: 1 } } }], /takes no argument/],
    ['$limit 0', [{ $limit: 0 }], /\$limit must be an integer of at least 1/],
    ['$limit 1.5', [{ $limit: 1.5 }], /\$limit must be an integer/],
    ['$limit as text', [{ $limit: '5' }], /\$limit must be an integer/],
    ['$skip -1', [{ $skip: -1 }], /\$skip must be an integer of at least 0/],
    ['$sort direction 2', [{ $sort: { views: 2 } }], /the direction must be 1 or -1/],
    ['$sort of an unknown field', [{ $sort: { nope: 1 } }], /not a field/],
    ['$sort of a point', [{ $sort: { loc: 1 } }], /GeoPoint values have no order/],
    ['$sort with no key', [{ $sort: {} }], /at least one field/],
    ['$sort into a non-Object', [{ $sort: { 'title.x': 1 } }], /only a path inside an Object field/],
    ['$project mixing keep and drop', [{ $project: { title: 1, views: 0 } }], /Cannot do exclusion on field views in inclusion projection/],
    ['$project of an unknown field', [{ $project: { nope: 1 } }], /not a field/],
    ['$project of an expression', [{ $project: { t: { $toUpper: '$title' } } }], /expected 1, 0 or a field reference/],
    ['an empty $project', [{ $project: {} }], /at least one field/],
    ['a $match that is not an object', [{ $match: [] }], /\$match must be an object/],
    ['a $match on an unknown field', [{ $match: { nope: 1 } }], /nope is not a field of class Post/],
    ['a field after $project dropped it', [{ $project: { title: 1 } }, { $group: { _id: '$views' } }], /is not a field of the previous stage/],
  ])('%s: 102', (_what, pipeline, message) => {
    const e = refusal(pipeline);
    expect(e.code).toBe(102);
    expect(e.message).toMatch(message);
  });

  it.each([
    ['an accumulator name with a dot', [{ $group: { _id: null, 'a.b': { $sum: 1 } } }]],
    ['an accumulator name with a quote', [{ $group: { _id: null, 'a"b': { $sum: 1 } } }]],
    ['a composite key name starting with $', [{ $group: { _id: { a: '$title', $b: '$views' } } }]],
    ['an empty $count name', [{ $count: '' }]],
    ['a rename to a dotted name', [{ $project: { 'x.y': '$title' } }]],
  ])('%s: 105', (_what, pipeline) => {
    expect(refusal(pipeline).code).toBe(105);
  });

  it('a value of the wrong type in $match is 111, a where nested too deeply 102', () => {
    expect(refusal([{ $match: { views: 'many' } }]).code).toBe(111);
    let deep: Record<string, unknown> = { views: 1 };
    for (let i = 0; i < 20; i++) deep = { $or: [deep] };
    expect(refusal([{ $match: deep }])).toMatchObject({ code: 102, message: 'Query is nested too deeply' });
  });

  it(`refuses more than ${MAX_STAGES} stages`, () => {
    expect(() => plan(Array.from({ length: MAX_STAGES }, () => ({ $skip: 0 })))).not.toThrow();
    expect(refusal(Array.from({ length: MAX_STAGES + 1 }, () => ({ $skip: 0 })))).toMatchObject({ code: 102 });
  });

  it('a __proto__ key is a field like any other (unknown), not a prototype', () => {
    expect(refusal([{ $match: JSON.parse('{"__proto__": {"x": 1}}') }])).toMatchObject({ code: 102 });
    expect(refusal([{ $group: JSON.parse('{"_id": null, "__proto__": {"$sum": 1}}') }]).code).toBe(105);
  });
});
