import { describe, expect, it } from 'vitest';
import { Params } from '../../src/db/index.ts';
import { aliasCounter, compileCount, parseWhere, type SqlContext } from '../../src/query/index.ts';
import type { ClassDef } from '../../src/schema/index.ts';

// A find's WHERE drops a row whose condition is NULL as it drops a FALSE one, so outside any NOT
// a comparison needs no `x IS NOT NULL` beside it (PostgreSQL evaluated it on every row scanned).
// Under NOT and NOR the guard stays: there a NULL would turn "not greater" into "not matched".
// Results with missing values, both ways, are in combinators.db.test.ts and agreement.db.test.ts.

const POST: ClassDef = {
  className: 'Post',
  fields: {
    objectId: { type: 'String' },
    title: { type: 'String' },
    views: { type: 'Number' },
    tags: { type: 'Array' },
    meta: { type: 'Object' },
  },
  classLevelPermissions: {},
  indexes: {},
};
const classes = new Map([['Post', POST]]);

function whereSql(where: unknown): string {
  const ctx: SqlContext = { params: new Params(), classes, readFilter: () => null, unaccent: false, nextAlias: aliasCounter() };
  const sql = compileCount(POST, parseWhere(where, POST, { classes }), ctx);
  return sql.slice(sql.indexOf(' WHERE ') + 7);
}

describe('the SQL of a find filter', () => {
  it('writes comparisons, in lists and regexes bare outside NOT, through AND and OR', () => {
    expect(whereSql({ views: { $gt: 5 } })).toBe('(t."views" > $1::float8)');
    expect(whereSql({ title: { $in: ['a', 'b'] } })).toBe('(t."title" = ANY($1::text[]))');
    expect(whereSql({ title: { $regex: '^a' } })).toBe('(t."title" ~ $1)');
    expect(whereSql({ $or: [{ views: { $lte: 1 } }, { title: 'x' }] })).toBe('((t."views" <= $1::float8) OR (t."title" = $2::text))');
    expect(whereSql({ views: { $gte: 1, $lt: 9 } })).not.toContain('IS NOT NULL');
  });

  it('keeps the guard where NULL would change the answer', () => {
    // Under NOR: the complement must include objects without a value.
    expect(whereSql({ $nor: [{ views: { $gt: 5 } }] })).toBe('NOT ((t."views" > $1::float8 AND t."views" IS NOT NULL))');
    expect(whereSql({ $or: [{ $nor: [{ title: { $in: ['a'] } }] }] })).toContain('t."title" IS NOT NULL');
    // notIn is a NOT of its own.
    expect(whereSql({ title: { $nin: ['a'] } })).toBe('NOT (t."title" = ANY($1::text[]) AND t."title" IS NOT NULL)');
    // A null in an in list still matches a missing value.
    expect(whereSql({ title: { $in: ['a', null] } })).toBe('((t."title" = ANY($1::text[])) OR (t."title" IS NULL))');
  });

  it('leaves JSON, array and not-equal tests as they were', () => {
    expect(whereSql({ views: { $ne: 5 } })).toBe('(t."views" IS DISTINCT FROM $1::float8)');
    expect(whereSql({ tags: 'red' })).toContain('IS NOT NULL');
    expect(whereSql({ 'meta.size': { $gt: 1 } })).toContain('IS NOT NULL');
  });
});
