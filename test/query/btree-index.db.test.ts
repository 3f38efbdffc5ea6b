import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';
import { explain } from './plans.ts';

// Comparisons a field's index can answer are written so that PostgreSQL can use it: an
// equalTo, in, range or regular expression on an indexed field (an index made through the
// schema API, or the objectId's primary key) is an index condition — in the plan for the
// values given and in the generic plan of the prepared statement — while a missing value still
// matches notEqualTo, notIn and a nor, as Parse has it. The plans come from EXPLAIN of the SQL
// a GraphQL find ran (captured with db.onQuery), on every database.
describe('where: comparisons use the field’s index', () => {
  let f: QueryFixture;
  const ROWS = 3000;

  /** The SQL and parameters of the find that `where` runs on Doc. */
  async function findSql(where: Record<string, unknown>): Promise<{ text: string; params: readonly unknown[] }> {
    const seen: { text: string; params: readonly unknown[] }[] = [];
    const stop = f.s.plinth.db.onQuery((text, params) => {
      if (text.includes('FROM "Doc"')) seen.push({ text, params });
    });
    try {
      await f.titles('Doc', where);
    } finally {
      stop();
    }
    expect(seen).toHaveLength(1);
    return seen[0];
  }

  /** EXPLAIN of a find with sequential scans priced out: a condition no index can serve still shows one. */
  async function plan(where: Record<string, unknown>): Promise<string> {
    const { text, params } = await findSql(where);
    return explain(f.s.plinth.db, text, params, { noSeqScan: true });
  }

  /** The generic plan (the one a prepared statement keeps for any values), sequential scans priced out. */
  async function genericPlan(where: Record<string, unknown>): Promise<string> {
    const { text, params } = await findSql(where);
    return explain(f.s.plinth.db, text, params, { generic: true });
  }

  /** A plan node reading `index` with a condition on `column` (not merely walking it for the order). */
  const indexCondition = (index: string, column: string) =>
    new RegExp(`(Index (Only )?Scan using|Bitmap Index Scan on) ${index} [^\\n]*\\n\\s+Index Cond: [^\\n]*${column}`);

  beforeAll(async () => {
    f = await startQueryFixture();
    await f.s.ok(`mutation($input: CreateClassInput!) { createClass(input: $input) { class { name } } }`, {
      input: {
        name: 'Doc',
        schemaFields: { addStrings: [{ name: 'title' }, { name: 'kind' }], addNumbers: [{ name: 'views' }] },
        indexes: { title_1: { title: 1 }, views_1: { views: 1 } },
      },
    });
    await f.add('Doc', { title: 'alpha', kind: 'a', views: 5 });
    await f.add('Doc', { title: 'beta', kind: 'b', views: 50 });
    await f.add('Doc', { title: 'gamma' }); // no kind, no views
    // Enough rows (publicly readable, as the API writes them) for an index to pay off.
    await f.s.plinth.db.execute(
      `INSERT INTO "Doc" ("objectId", "title", "kind", "views", "createdAt", "updatedAt", "_rperm", "_wperm")
       SELECT 'bulk' || i, 'bulk' || i, 'k', 1000 + i, now(), now(), '{*}', '{*}' FROM generate_series(1, ${ROWS}) AS i`,
    );
    await f.s.plinth.db.execute('ANALYZE "Doc"');
  });
  afterAll(() => f?.close());

  it('equalTo, in and ranges on an indexed field are index conditions', async () => {
    expect(await plan({ title: { equalTo: 'beta' } })).toMatch(indexCondition('title_1', 'title'));
    expect(await plan({ title: { in: ['alpha', 'gamma'] } })).toMatch(indexCondition('title_1', 'title'));
    expect(await plan({ views: { greaterThan: 4000 } })).toMatch(indexCondition('views_1', 'views'));
    expect(await plan({ views: { lessThanOrEqualTo: 6, greaterThanOrEqualTo: 5 } })).toMatch(indexCondition('views_1', 'views'));
    expect(await plan({ objectId: { equalTo: f.ids.get('beta') } })).toMatch(indexCondition('"Doc_pkey"', 'objectId'));
    expect(await plan({ objectId: { in: [f.ids.get('alpha'), f.ids.get('beta')] } })).toMatch(indexCondition('"Doc_pkey"', 'objectId'));
  });

  it('also in the generic plan of a prepared statement', async () => {
    expect(await genericPlan({ title: { equalTo: 'beta' } })).toMatch(indexCondition('title_1', 'title'));
    // (A range is left out here: with its bound unknown the planner may rightly prefer walking the order's index.)
    expect(await genericPlan({ objectId: { in: [f.ids.get('alpha'), f.ids.get('beta')] } })).toMatch(indexCondition('"Doc_pkey"', 'objectId'));
  });

  it('answers as Parse does: a missing value is never equal, less or greater, and always not equal', async () => {
    expect(await f.titles('Doc', { title: { equalTo: 'beta' } })).toEqual(['beta']);
    expect(await f.titles('Doc', { views: { lessThan: 100 } })).toEqual(['alpha', 'beta']);
    expect(await f.titles('Doc', { kind: { in: ['a', 'b'] } })).toEqual(['alpha', 'beta']);
    expect(await f.titles('Doc', { kind: { matchesRegex: '^[ab]$' } })).toEqual(['alpha', 'beta']);
    expect(await f.titles('Doc', { AND: [{ kind: { notEqualTo: 'k' } }, { kind: { notEqualTo: 'a' } }] })).toEqual(['beta', 'gamma']);
    expect(await f.titles('Doc', { AND: [{ kind: { notIn: ['k', 'a'] } }] })).toEqual(['beta', 'gamma']);
    expect(await f.titles('Doc', { NOR: [{ views: { greaterThan: 10 } }, { kind: { equalTo: 'a' } }] })).toEqual(['gamma']);
    expect(await f.titles('Doc', { NOR: [{ kind: { matchesRegex: '^[abk]$' } }] })).toEqual(['gamma']);
    expect(await f.count('Doc', { NOR: [{ views: { lessThan: 1000 } }] })).toBe(ROWS + 1);
  });
});
