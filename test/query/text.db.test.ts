import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// Full-text search: PostgreSQL text search with the language's stemming and stop words.
// The term is read like a web search: words must all occur, "quoted phrases" in order,
// -word excludes, `or` between words accepts either.
describe('where: text { search { term language caseSensitive diacriticSensitive } }', () => {
  let f: QueryFixture;
  const search = (term: string, options: Record<string, unknown> = {}) => f.titles('Doc', { body: { text: { search: { term, ...options } } } });
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Doc', { addStrings: [{ name: 'title' }, { name: 'body' }], addNumbers: [{ name: 'n' }] });
    const docs: [string, string][] = [
      ['running', 'I was running in the park'],
      ['runs', 'She runs every day'],
      ['run', 'A run to remember'],
      ['brulee', 'Crème brûlée recipe'],
      ['fraiche', 'creme fraiche'],
      ['coffee', 'Coffee shop downtown'],
      ['tea', 'Tea shop'],
      ['orchard', 'The Apple orchard'],
      ['apples', 'apples and pears'],
      ['chevaux', 'Les chevaux courent vite'],
    ];
    let n = 0;
    for (const [title, body] of docs) await f.add('Doc', { title, body, n: n++ });
    await f.add('Doc', { title: 'none', n: 99 });
  });
  afterAll(() => f?.close());

  it('finds words by their stem ("running" finds "run" and "runs")', async () => {
    expect(await search('run')).toEqual(['run', 'running', 'runs']);
    expect(await search('running')).toEqual(['run', 'running', 'runs']);
    expect(await search('RUNS')).toEqual(['run', 'running', 'runs']);
    expect(await search('apple')).toEqual(['apples', 'orchard']);
  });

  it('all words must occur; phrases, exclusions and "or"', async () => {
    expect(await search('shop')).toEqual(['coffee', 'tea']);
    expect(await search('coffee shop')).toEqual(['coffee']);
    expect(await search('"shop downtown"')).toEqual(['coffee']);
    expect(await search('"downtown shop"')).toEqual([]);
    expect(await search('shop -coffee')).toEqual(['tea']);
    expect(await search('coffee or tea')).toEqual(['coffee', 'tea']);
    expect(await search('park pears')).toEqual([]);
  });

  it('stop words alone match nothing; odd punctuation is no error', async () => {
    expect(await search('the')).toEqual([]);
    expect(await search('shop & (coffee')).toEqual(['coffee']);
    expect(await search("apple's :*")).toEqual(['apples', 'orchard']);
  });

  it('diacritics count unless diacriticSensitive is false', async () => {
    expect(await search('crème')).toEqual(['brulee']);
    expect(await search('creme')).toEqual(['fraiche']);
    expect(await search('creme', { diacriticSensitive: true })).toEqual(['fraiche']);
    expect(await search('creme', { diacriticSensitive: false })).toEqual(['brulee', 'fraiche']);
    expect(await search('crème', { diacriticSensitive: false })).toEqual(['brulee', 'fraiche']);
    expect(await search('brulee', { diacriticSensitive: false })).toEqual(['brulee']);
  });

  it('caseSensitive: the words must also occur with that case (as a word start)', async () => {
    expect(await search('Apple')).toEqual(['apples', 'orchard']);
    expect(await search('Apple', { caseSensitive: true })).toEqual(['orchard']);
    expect(await search('apple', { caseSensitive: true })).toEqual(['apples']);
    expect(await search('Coffee shop', { caseSensitive: true })).toEqual(['coffee']);
    expect(await search('coffee', { caseSensitive: true })).toEqual([]);
    expect(await search('Creme', { caseSensitive: true, diacriticSensitive: false })).toEqual(['brulee']);
  });

  it('language picks stemming and stop words; Mongo language codes and "none" are understood', async () => {
    expect(await search('courir', { language: 'french' })).toEqual([]);
    expect(await search('cheval', { language: 'french' })).toEqual(['chevaux']);
    expect(await search('cheval', { language: 'fr' })).toEqual(['chevaux']);
    expect(await search('cheval', { language: 'english' })).toEqual([]);
    expect(await search('runs', { language: 'none' })).toEqual(['runs']);
    expect(await search('runs', { language: 'en' })).toEqual(['run', 'running', 'runs']);
  });

  it('combines with other conditions', async () => {
    expect(await f.titles('Doc', { body: { text: { search: { term: 'run' } } }, n: { greaterThan: 0 } })).toEqual(['run', 'runs']);
    expect(await f.titles('Doc', { OR: [{ body: { text: { search: { term: 'shop' } } } }, { n: { equalTo: 99 } }] })).toEqual(['coffee', 'none', 'tea']);
    expect(await f.titles('Doc', { NOR: [{ body: { text: { search: { term: 'run' } } } }], n: { lessThan: 6 } })).toEqual(['brulee', 'coffee', 'fraiche']);
  });

  it('bad input is error 102', async () => {
    expect(await f.error('Doc', { body: { text: { search: { term: '  ' } } } })).toMatchObject({ code: 102 });
    expect(await f.error('Doc', { body: { text: { search: { term: 'run', language: 'klingon' } } } })).toMatchObject({ code: 102 });
    expect(await f.error('Doc', { body: { text: { search: { term: 'run', language: "english'; drop table" } } } })).toMatchObject({ code: 102 });
    const restOnNumber = { objectId: { inQueryKey: { key: 'objectId', query: { className: 'Doc', where: { n: { $text: { $search: { $term: 'x' } } } } } } } };
    expect(await f.error('Doc', restOnNumber)).toMatchObject({ code: 102 });
  });
});
