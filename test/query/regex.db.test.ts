import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// matchesRegex follows JavaScript's RegExp (what Parse's SDKs send), with Mongo's options:
// i (ignore case), m (^ and $ at line breaks), s (. matches line breaks), x (extended).
describe('where: matchesRegex with options', () => {
  let f: QueryFixture;
  const t = (where: unknown) => f.titles('Note', where);
  const re = (matchesRegex: string, options?: string) => t({ body: { matchesRegex, ...(options === undefined ? {} : { options }) } });
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Note', { addStrings: [{ name: 'title' }, { name: 'body' }], addFiles: [{ name: 'doc' }], addObjects: [{ name: 'meta' }] });
    await f.add('Note', { title: 'pie', body: 'Apple pie', doc: { file: 'pie.txt' }, meta: { tag: 'Fruit', n: 1 } });
    await f.add('Note', { title: 'tart', body: 'apple tart', doc: { file: 'tart.png' }, meta: { tag: 'fruity' } });
    await f.add('Note', { title: 'lines', body: 'Banana\napple', meta: { tag: 12 } });
    await f.add('Note', { title: 'pine', body: 'pineapple' });
    await f.add('Note', { title: 'dot', body: 'a.b' });
    await f.add('Note', { title: 'axb', body: 'axb' });
    await f.add('Note', { title: 'crlf', body: 'one\r\ntwo' });
    await f.add('Note', { title: 'empty', body: '' });
    await f.add('Note', { title: 'none' });
  });
  afterAll(() => f?.close());

  it('matches anywhere in the string unless anchored', async () => {
    expect(await re('apple')).toEqual(['lines', 'pine', 'tart']);
    expect(await re('^apple')).toEqual(['tart']);
    expect(await re('pie$')).toEqual(['pie']);
    expect(await re('')).toEqual(['axb', 'crlf', 'dot', 'empty', 'lines', 'pie', 'pine', 'tart']);
    expect(await re('^$')).toEqual(['empty']);
  });

  it('i ignores case', async () => {
    expect(await re('^APPLE')).toEqual([]);
    expect(await re('^APPLE', 'i')).toEqual(['pie', 'tart']);
    expect(await re('banana', 'i')).toEqual(['lines']);
  });

  it('without m, ^ and $ anchor the whole string; with m, every line', async () => {
    expect(await re('^apple$')).toEqual([]);
    expect(await re('^apple$', 'm')).toEqual(['lines']);
    expect(await re('^Banana$')).toEqual([]);
    expect(await re('^Banana$', 'm')).toEqual(['lines']);
    expect(await re('^apple', 'im')).toEqual(['lines', 'pie', 'tart']);
    // \r\n ends a line too, as in JavaScript
    expect(await re('^one$', 'm')).toEqual(['crlf']);
    expect(await re('^two', 'm')).toEqual(['crlf']);
  });

  it('without s, . does not match a line break; with s it does', async () => {
    expect(await re('Banana.apple')).toEqual([]);
    expect(await re('Banana.apple', 's')).toEqual(['lines']);
    expect(await re('one..two')).toEqual([]);
    expect(await re('one..two', 's')).toEqual(['crlf']);
    expect(await re('^Banana.apple$', 'ms')).toEqual(['lines']);
    // a negated class matches line breaks, as in JavaScript
    expect(await re('Banana[^x]apple')).toEqual(['lines']);
    expect(await re('Banana[\\s\\S]apple')).toEqual(['lines']);
  });

  it('x ignores white space and # comments in the pattern', async () => {
    expect(await re('^ap ple \\  tart # a comment', 'x')).toEqual(['tart']);
    expect(await re('^ap ple', '')).toEqual([]);
    expect(await re('a[ ]tart', 'x')).toEqual([]);
    expect(await re('apple[ ]tart', 'x')).toEqual(['tart']);
  });

  it('escapes and JavaScript classes', async () => {
    expect(await re('a\\.b')).toEqual(['dot']);
    expect(await re('a.b')).toEqual(['axb', 'dot']);
    expect(await re('\\bapple\\b')).toEqual(['lines', 'tart']);
    expect(await re('\\bapple\\b', 'i')).toEqual(['lines', 'pie', 'tart']);
    expect(await re('\\Bapple')).toEqual(['pine']);
    expect(await re('^\\w+\\s\\w+$')).toEqual(['lines', 'pie', 'tart']);
    expect(await re('\\x61\\x78b')).toEqual(['axb']);
    expect(await re('(a)x\\1')).toEqual([]);
    expect(await re('(?<first>p)ine')).toEqual(['pine']);
    expect(await re('(?<=pine)apple')).toEqual(['pine']);
    expect(await re('apple(?! tart)')).toEqual(['lines', 'pine']);
  });

  it('\\Q…\\E quotes a literal, as Parse SDKs send for startsWith and contains', async () => {
    expect(await re('\\Qa.b\\E')).toEqual(['dot']);
    expect(await re('^\\Qapple t\\E')).toEqual(['tart']);
    expect(await re('\\Qa.')).toEqual(['dot']);
  });

  it('never matches an object without a value, and combines with other operators', async () => {
    expect(await t({ body: { matchesRegex: '.*' } })).not.toContain('none');
    expect(await t({ body: { matchesRegex: 'apple', notEqualTo: 'pineapple' } })).toEqual(['lines', 'tart']);
    expect(await t({ NOR: [{ body: { matchesRegex: 'a' } }] })).toEqual(['crlf', 'empty', 'none', 'pie']);
  });

  it('works on File names and on string values inside Object fields', async () => {
    expect(await t({ doc: { matchesRegex: '\\.TXT$', options: 'i' } })).toEqual(['pie']);
    expect(await t({ doc: { matchesRegex: '^t' } })).toEqual(['tart']);
    // Object paths: REST form in a subquery; only string values match
    const where = { objectId: { inQueryKey: { key: 'objectId', query: { className: 'Note', where: { 'meta.tag': { $regex: '^fruit', $options: 'i' } } } } } };
    expect(await t(where)).toEqual(['pie', 'tart']);
    const digits = { objectId: { inQueryKey: { key: 'objectId', query: { className: 'Note', where: { 'meta.tag': { $regex: '^1' } } } } } };
    expect(await t(digits)).toEqual([]);
  });

  it('agrees with JavaScript RegExp on a table of patterns', async () => {
    const bodies = new Map<string, string>();
    const list = await f.s.ok(`{ notes(first: 100) { edges { node { title body } } } }`);
    for (const { node } of list.notes.edges) if (node.body !== null) bodies.set(node.title, node.body);
    const cases: [string, string][] = [
      ['[^a-z]', ''],
      ['[\\b]', ''],
      ['\\d', ''],
      ['\\D{3}', ''],
      ['^\\S+$', ''],
      ['\\W', ''],
      ['[\\w.]+$', 'i'],
      ['a{2}', ''],
      ['p{2,}', ''],
      ['a{', ''],
      ['x}', ''],
      ['\\x41', 'i'],
      ['\\u0041', 'i'],
      ['\\cJ', ''],
      ['\\n', ''],
      ['\\r\\n', ''],
      ['\\a', ''],
      ['\\e', ''],
      ['\\y', ''],
      ['[\\s\\S]{10}', ''],
      ['[^]{10}', ''],
      ['[]', ''],
      ['(p)\\1', ''],
      ['(?<x>p)\\k<x>', ''],
      ['(?:ap)+', ''],
      ['a|b', ''],
      ['e$|^A', ''],
      ['^.{3,5}$', ''],
      ['.$', 'm'],
      ['^.', 'm'],
      ['^$', 'm'],
      ['two$', ''],
      ['o$', 'm'],
      ['\\//', ''],
      ['\\.', ''],
      ['a*?b', ''],
      ['(?=a)', ''],
      ['(?<!p)a', ''],
      ['\\Bp', ''],
      ['\\be', 'i'],
      ['[\\d\\s]', ''],
    ];
    for (const [pattern, options] of cases) {
      const regex = new RegExp(pattern, options);
      const expected = [...bodies]
        .filter(([, body]) => regex.test(body))
        .map(([title]) => title)
        .sort();
      expect(await re(pattern, options), `/${pattern}/${options}`).toEqual(expected);
    }
  });

  it('an invalid pattern or option is error 102', async () => {
    for (const bad of ['(', '[a-', 'a)', '*a', '\\']) {
      expect(await f.error('Note', { body: { matchesRegex: bad } }), bad).toMatchObject({ code: 102 });
    }
    expect(await f.error('Note', { body: { matchesRegex: 'a', options: 'g' } })).toMatchObject({ code: 102 });
    // valid in JavaScript, beyond PostgreSQL's limit of 255 repetitions
    expect(await f.error('Note', { body: { matchesRegex: 'a{1000}' } })).toMatchObject({ code: 102 });
    expect(await f.error('Note', { body: { options: 'i' } })).toMatchObject({ code: 102 });
  });
});
