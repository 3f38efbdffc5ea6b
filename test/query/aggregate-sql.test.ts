import { describe, expect, it } from 'vitest';
import { Params } from '../../src/db/index.ts';
import { TRUE, aliasCounter, parseWhere, type SqlContext } from '../../src/query/index.ts';
import { compileAggregate, compileDistinct, parseDistinctField, parsePipeline } from '../../src/query/aggregate/index.ts';
import type { ClassDef } from '../../src/schema/index.ts';

// The SQL each pipeline stage compiles to: names quoted, every client value a parameter,
// stages folded into one SELECT until SQL's clause order forces a subquery.

const POST: ClassDef = {
  className: 'Post',
  fields: {
    objectId: { type: 'String' },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
    ACL: { type: 'ACL' },
    title: { type: 'String' },
    views: { type: 'Number' },
    author: { type: 'Pointer', targetClass: 'Writer' },
    tags: { type: 'Array' },
    meta: { type: 'Object' },
    loc: { type: 'GeoPoint' },
    fans: { type: 'Relation', targetClass: 'Writer' },
  },
  classLevelPermissions: {},
  indexes: {},
};
const WRITER: ClassDef = { className: 'Writer', fields: { objectId: { type: 'String' }, name: { type: 'String' } }, classLevelPermissions: {}, indexes: {} };
const classes = new Map([
  ['Post', POST],
  ['Writer', WRITER],
]);

function context(): SqlContext {
  return { params: new Params(), classes, readFilter: () => null, unaccent: false, nextAlias: aliasCounter() };
}

function compile(pipeline: unknown[]) {
  const ctx = context();
  const sql = compileAggregate(parsePipeline(pipeline, POST, { classes }), ctx);
  return { sql, params: ctx.params.values };
}

const ALL_COLUMNS = 't."objectId", t."createdAt", t."updatedAt", t."title", t."views", t."author", t."tags", t."meta", t."loc"';

describe('aggregate SQL', () => {
  it('an empty pipeline reads every column (no ACL, no relation; points as text)', () => {
    expect(compile([])).toEqual({ sql: `SELECT ${ALL_COLUMNS.replace('t."loc"', 't."loc"::text AS "loc"')} FROM "Post" t`, params: [] });
  });

  it('$match takes the REST where form and the GraphQL form, values as parameters', () => {
    const rest = compile([{ $match: { views: { $gt: 10 }, title: "x'; DROP TABLE x" } }]);
    expect(rest.sql).toContain(`FROM "Post" t WHERE ((t."views" > $1::float8 AND t."views" IS NOT NULL) AND (t."title" = $2::text AND t."title" IS NOT NULL))`);
    expect(rest.params).toEqual([10, "x'; DROP TABLE x"]);
    expect(compile([{ $match: { views: { greaterThan: 10 } } }]).sql).toContain('WHERE (t."views" > $1::float8 AND t."views" IS NOT NULL)');
  });

  it('$group by a field, with $sum (field and constant), $avg, $min, $max, $count', () => {
    const { sql, params } = compile([
      {
        $group: {
          _id: '$author',
          total: { $sum: '$views' },
          n: { $sum: 1 },
          twice: { $sum: 2 },
          mean: { $avg: '$views' },
          low: { $min: '$views' },
          high: { $max: '$createdAt' },
          c: { $count: {} },
        },
      },
    ]);
    expect(sql).toBe(
      'SELECT t."author" AS "objectId", COALESCE(sum(t."views"), 0) AS "total", count(*)::float8 AS "n", (count(*) * $1::float8) AS "twice", ' +
        'avg(t."views") AS "mean", min(t."views") AS "low", max(t."createdAt") AS "high", count(*)::float8 AS "c" FROM "Post" t GROUP BY t."author"',
    );
    expect(params).toEqual([2]);
  });

  it('$group with _id null is one group, and none for no rows', () => {
    expect(compile([{ $group: { _id: null, n: { $sum: 1 } } }]).sql).toBe(
      'SELECT NULL::text AS "objectId", count(*)::float8 AS "n" FROM "Post" t HAVING count(*) > 0',
    );
  });

  it('a composite key is a jsonb object of its parts, date operators on the UTC date, names as parameters', () => {
    const { sql, params } = compile([{ $group: { _id: { writer: '$author', year: { $year: '$createdAt' }, day: '$updatedAt' } } }]);
    const year = `floor(extract(year from (t."createdAt" AT TIME ZONE 'UTC')))::int`;
    expect(sql).toBe(
      `SELECT jsonb_build_object($1::text, to_jsonb(t."author"), $2::text, to_jsonb(${year}), $3::text, CASE WHEN t."updatedAt" IS NULL THEN NULL ELSE ` +
        `jsonb_build_object('__type', 'Date', 'iso', to_char(t."updatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) END) AS "objectId" ` +
        `FROM "Post" t GROUP BY t."author", ${year}, t."updatedAt"`,
    );
    expect(params).toEqual(['writer', 'year', 'day']);
  });

  it('date operators follow MongoDB: Sunday is day 1 of the week, weeks start on Sunday', () => {
    const key = (op: string) =>
      compile([{ $group: { _id: { [op]: '$createdAt' } } }])
        .sql.split(' AS "objectId"')[0]
        .slice('SELECT '.length);
    const utc = `(t."createdAt" AT TIME ZONE 'UTC')`;
    expect(key('$dayOfWeek')).toBe(`(floor(extract(dow from ${utc}))::int + 1)`);
    expect(key('$week')).toBe(`floor((extract(doy from ${utc}) + 6 - extract(dow from ${utc})) / 7)::int`);
    expect(key('$millisecond')).toBe(`(floor(extract(milliseconds from ${utc}))::int % 1000)`);
    expect(key('$isoWeek')).toBe(`floor(extract(week from ${utc}))::int`);
  });

  it('$match after $group filters the groups in a query around the grouping', () => {
    const { sql, params } = compile([
      { $match: { views: { $gte: 1 } } },
      { $group: { _id: '$author', total: { $sum: '$views' } } },
      { $match: { total: { $gt: 5 } } },
    ]);
    expect(sql).toBe(
      'SELECT s1."objectId", s1."total" FROM (SELECT t."author" AS "objectId", COALESCE(sum(t."views"), 0) AS "total" FROM "Post" t ' +
        'WHERE (t."views" >= $1::float8 AND t."views" IS NOT NULL) GROUP BY t."author") s1 WHERE (s1."total" > $2::float8 AND s1."total" IS NOT NULL)',
    );
    expect(params).toEqual([1, 5]);
  });

  it('$sort, $skip and $limit fold into one SELECT; objectId breaks ties', () => {
    const { sql, params } = compile([{ $sort: { views: -1, title: 1 } }, { $skip: 2 }, { $limit: 5 }, { $project: { title: 1 } }]);
    expect(sql).toBe('SELECT t."objectId", t."title" FROM "Post" t ORDER BY t."views" DESC, t."title", t."objectId" LIMIT $1 OFFSET $2');
    expect(params).toEqual([5, 2]);
  });

  it('a $skip after a $limit shortens the limit (SQL skips first)', () => {
    expect(compile([{ $limit: 10 }, { $skip: 3 }, { $limit: 20 }]).params).toEqual([7, 3]);
  });

  it('a stage after a limit wraps it, and the order survives as a row number', () => {
    const { sql } = compile([{ $sort: { views: -1 } }, { $limit: 5 }, { $match: { title: { $exists: true } } }, { $project: { title: 1 } }]);
    expect(sql).toBe(
      'SELECT s1."objectId", s1."title" FROM (SELECT ' +
        ALL_COLUMNS +
        ', row_number() OVER (ORDER BY t."views" DESC, t."objectId") AS "#order" FROM "Post" t ORDER BY t."views" DESC, t."objectId" LIMIT $1) s1 ' +
        'WHERE (s1."title" IS NOT NULL) ORDER BY s1."#order"',
    );
  });

  it('a $group after a sorted page groups the page: its order decides the rows, then is dropped', () => {
    expect(compile([{ $sort: { views: -1 } }, { $limit: 3 }, { $group: { _id: null, n: { $sum: 1 } } }]).sql).toBe(
      `SELECT NULL::text AS "objectId", count(*)::float8 AS "n" FROM (SELECT ${ALL_COLUMNS} FROM "Post" t ORDER BY t."views" DESC, t."objectId" LIMIT $1) s1 HAVING count(*) > 0`,
    );
  });

  it('$project keeps, renames and drops fields', () => {
    expect(compile([{ $project: { title: 1, hits: '$views', _id: 0 } }]).sql).toBe('SELECT t."title", t."views" AS "hits" FROM "Post" t');
    expect(compile([{ $project: { tags: 0, meta: 0, loc: 0, author: 0 } }]).sql).toBe(
      'SELECT t."objectId", t."createdAt", t."updatedAt", t."title", t."views" FROM "Post" t',
    );
  });

  it('$match after a renaming $project reads the renamed columns', () => {
    expect(compile([{ $project: { hits: '$views' } }, { $match: { hits: { $lt: 3 } } }]).sql).toBe(
      'SELECT s1."objectId", s1."hits" FROM (SELECT t."objectId", t."views" AS "hits" FROM "Post" t) s1 WHERE (s1."hits" < $1::float8 AND s1."hits" IS NOT NULL)',
    );
  });

  it('$count counts what the earlier stages output', () => {
    expect(compile([{ $match: { views: { $gt: 1 } } }, { $count: 'n' }]).sql).toBe(
      'SELECT count(*)::float8 AS "n" FROM "Post" t WHERE (t."views" > $1::float8 AND t."views" IS NOT NULL) HAVING count(*) > 0',
    );
    expect(compile([{ $limit: 3 }, { $count: 'n' }]).sql).toBe(
      `SELECT count(*)::float8 AS "n" FROM (SELECT ${ALL_COLUMNS} FROM "Post" t LIMIT $1) s1 HAVING count(*) > 0`,
    );
  });

  it('$sort by a key of a composite group key reads inside the jsonb', () => {
    const { sql, params } = compile([{ $group: { _id: { y: { $year: '$createdAt' } } } }, { $sort: { '_id.y': -1 } }]);
    expect(sql).toMatch(/ORDER BY \(jsonb_build_object\(\$1::text, [^#]*\) #> \$2::text\[\]\) DESC, jsonb_build_object\(\$1::text, [^#]*\)$/);
    expect(params).toEqual(['y', ['y']]);
  });

  it('$_p_ and $_created_at are Parse’s names for a pointer and createdAt', () => {
    expect(compile([{ $group: { _id: '$_p_author', first: { $min: '$_created_at' } } }]).sql).toBe(
      'SELECT t."author" AS "objectId", min(t."createdAt") AS "first" FROM "Post" t GROUP BY t."author"',
    );
  });

  it('a relation condition in $match after a limit joins on the subquery’s objectId', () => {
    const { sql } = compile([{ $limit: 2 }, { $match: { fans: { $inQuery: { className: 'Writer', where: { name: 'ann' } } } } }]);
    expect(sql).toContain(') s1 WHERE EXISTS');
    expect(sql).toContain('s1."objectId"');
  });
});

describe('distinct SQL', () => {
  const distinct = (field: string, where = TRUE) => {
    const ctx = context();
    return { sql: compileDistinct(POST, parseDistinctField(POST, field), where, ctx), params: ctx.params.values };
  };

  it('a field’s non-null values, with the where', () => {
    const where = parseWhere({ views: { $gt: 1 } }, POST, { classes });
    expect(distinct('title', where).sql).toBe(
      'SELECT DISTINCT t."title" AS "value" FROM "Post" t WHERE t."title" IS NOT NULL AND (t."views" > $1::float8 AND t."views" IS NOT NULL) ORDER BY 1',
    );
  });

  it('an Array field’s elements, a path inside an Object, a point as text', () => {
    expect(distinct('tags').sql).toBe(
      `SELECT DISTINCT e."value" AS "value" FROM "Post" t CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(t."tags") = 'array' THEN t."tags" ELSE '[]'::jsonb END) AS e("value") ` +
        `WHERE e."value" <> 'null'::jsonb ORDER BY 1`,
    );
    expect(distinct('meta.color')).toEqual({
      sql: `SELECT DISTINCT (t."meta" #> $1::text[]) AS "value" FROM "Post" t WHERE (t."meta" #> $1::text[]) <> 'null'::jsonb ORDER BY 1`,
      params: [['color']],
    });
    expect(distinct('loc').sql).toBe('SELECT DISTINCT t."loc"::text AS "value" FROM "Post" t WHERE t."loc" IS NOT NULL ORDER BY 1');
  });

  it('refuses the ACL, relations and unknown fields (102)', () => {
    for (const field of ['ACL', 'fans', 'nope', '']) expect(() => distinct(field), field).toThrow(expect.objectContaining({ code: 102 }));
  });
});
