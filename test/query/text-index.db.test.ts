import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';
import { explain } from './plans.ts';

// A full-text search on a field with a text index ({body: "text"} through the schema API) can
// be answered from the index: the query spells the language as a literal configuration, so its
// to_tsvector(…) is the index's own expression — in every plan, including the generic plan of a
// prepared statement, where a configuration passed as a parameter would be unknown and the index
// unusable. The plans come from EXPLAIN of the very SQL a GraphQL find ran (captured with
// db.onQuery), on every database.
describe('where: text search uses a text index', () => {
  let f: QueryFixture;
  const ROWS = 3000;
  /** A plan node that reads body_text for the search condition. */
  const USES_INDEX = /Index Scan on body_text .*\n\s+Index Cond: \(to_tsvector\('english'::regconfig, COALESCE\(body, ''::text\)\) @@/;

  /** The SQL and parameters of the find that a text search on Doc.body runs. */
  async function searchSql(search: Record<string, unknown>): Promise<{ text: string; params: readonly unknown[] }> {
    const seen: { text: string; params: readonly unknown[] }[] = [];
    const stop = f.s.plinth.db.onQuery((text, params) => {
      if (text.includes('websearch_to_tsquery')) seen.push({ text, params });
    });
    try {
      await f.titles('Doc', { body: { text: { search } } });
    } finally {
      stop();
    }
    expect(seen).toHaveLength(1);
    return seen[0];
  }

  /** EXPLAIN's plan of a search, optionally with sequential scans priced out of the planner's choice. */
  async function plan(search: Record<string, unknown>, noSeqScan = false): Promise<string> {
    const { text, params } = await searchSql(search);
    return explain(f.s.plinth.db, text, params, { noSeqScan });
  }

  /**
   * The generic plan of a search: the one a prepared statement keeps for any parameter values
   * (PostgreSQL settles on it after a few executions, or at once under
   * plan_cache_mode = force_generic_plan). Parameters are not known in it, so only what the
   * SQL spells as literals can match an index expression.
   */
  async function genericPlan(search: Record<string, unknown>): Promise<string> {
    const { text, params } = await searchSql(search);
    return explain(f.s.plinth.db, text, params, { generic: true });
  }

  beforeAll(async () => {
    f = await startQueryFixture();
    await f.s.ok(`mutation($input: CreateClassInput!) { createClass(input: $input) { class { name } } }`, {
      input: { name: 'Doc', schemaFields: { addStrings: [{ name: 'title' }, { name: 'body' }, { name: 'note' }] }, indexes: { body_text: { body: 'text' } } },
    });
    await f.add('Doc', { title: 'orchard', body: 'The apple orchard in spring', note: 'The apple orchard in spring' });
    await f.add('Doc', { title: 'pears', body: 'Pears and apples', note: 'Pears and apples' });
    // Enough rows (publicly readable, as the API writes them) for an index to pay off.
    await f.s.plinth.db.execute(
      `INSERT INTO "Doc" ("objectId", "title", "body", "note", "createdAt", "updatedAt", "_rperm", "_wperm")
       SELECT 'bulk' || i, 'bulk' || i, 'filler text number ' || i, 'filler text number ' || i, now(), now(), '{*}', '{*}' FROM generate_series(1, ${ROWS}) AS i`,
    );
    await f.s.plinth.db.execute('ANALYZE "Doc"');
  });
  afterAll(() => f?.close());

  it('the search SQL spells the configuration as a literal, not a parameter', async () => {
    const { text, params } = await searchSql({ term: 'apple' });
    expect(text).toContain(`to_tsvector('english'::regconfig, coalesce(t."body", ''))`);
    expect(params).not.toContain('english');
    expect((await searchSql({ term: 'apple', language: 'fr' })).text).toContain(`'french'::regconfig`);
  });

  it('a search on the indexed field reads the index', async () => {
    expect(await plan({ term: 'orchard' })).toMatch(USES_INDEX);
    expect(await plan({ term: 'orchard' }, true)).toMatch(USES_INDEX);
    // the Mongo code of the index's language is the same configuration
    expect(await plan({ term: 'orchard', language: 'en' }, true)).toMatch(USES_INDEX);
    // caseSensitive only adds a filter on the rows the index finds
    expect(await plan({ term: 'Pears', caseSensitive: true }, true)).toMatch(USES_INDEX);
  });

  it('also in the generic plan of a prepared statement, where parameter values are unknown', async () => {
    expect(await genericPlan({ term: 'orchard' })).toMatch(USES_INDEX);
    expect(await genericPlan({ term: 'orchard', language: 'en', caseSensitive: true })).toMatch(USES_INDEX);
  });

  it('and returns what a search without the index returns', async () => {
    expect(await f.titles('Doc', { body: { text: { search: { term: 'apple' } } } })).toEqual(['orchard', 'pears']);
    expect(await f.titles('Doc', { note: { text: { search: { term: 'apple' } } } })).toEqual(['orchard', 'pears']);
    expect(await f.titles('Doc', { body: { text: { search: { term: 'number 2999' } } } })).toEqual(['bulk2999']);
  });

  it('another language, or a field without a text index, cannot use it', async () => {
    const french = await plan({ term: 'orchard', language: 'french' }, true);
    expect(french).not.toMatch(/body_text/);
    expect(french).toMatch(/Filter: \(to_tsvector\('french'::regconfig/);
    const { text, params } = await searchSql({ term: 'orchard' });
    const onNote = text.replaceAll('t."body"', 't."note"');
    const notePlan = await explain(f.s.plinth.db, onNote, params, { noSeqScan: true });
    expect(notePlan).not.toMatch(/body_text/);
    expect(notePlan).toMatch(/Filter: \(to_tsvector\('english'::regconfig, COALESCE\(note/);
  });
});
