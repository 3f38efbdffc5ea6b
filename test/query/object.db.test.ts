import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// Object fields: each operator takes {key: "dot.path", value}; values compare as JSON, and
// ordering only between values of the same JSON type (as MongoDB does).
describe('where: Object fields with {key, value}', () => {
  let f: QueryFixture;
  const t = (meta: unknown) => f.titles('Thing', { meta });
  /** A REST-form `where` of Parse, run as an inQueryKey subquery over the same class. */
  const rest = (where: Record<string, unknown>) => f.titles('Thing', { objectId: { inQueryKey: { key: 'objectId', query: { className: 'Thing', where } } } });
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Thing', { addStrings: [{ name: 'title' }], addObjects: [{ name: 'meta' }] });
    await f.add('Thing', { title: 'o1', meta: { color: 'red', size: 10, nested: { deep: true }, tags: ['a', 'b'] } });
    await f.add('Thing', { title: 'o2', meta: { color: 'blue', size: 20, nested: { deep: false } } });
    await f.add('Thing', { title: 'o3', meta: { color: 'red', size: '30' } });
    await f.add('Thing', { title: 'o4', meta: {} });
    await f.add('Thing', { title: 'o5' });
    await f.add('Thing', { title: 'o6', meta: { color: null, size: 5 } });
    await f.add('Thing', { title: 'o7', meta: { "it's": 1, 'a b': { 'c-d': 'x' } } });
  });
  afterAll(() => f?.close());

  it('equalTo / notEqualTo on a key; a missing key or object is "not equal"', async () => {
    expect(await t({ equalTo: { key: 'color', value: 'red' } })).toEqual(['o1', 'o3']);
    expect(await t({ notEqualTo: { key: 'color', value: 'red' } })).toEqual(['o2', 'o4', 'o5', 'o6', 'o7']);
    expect(await t({ equalTo: { key: 'size', value: 10 } })).toEqual(['o1']);
    expect(await t({ equalTo: { key: 'size', value: '10' } })).toEqual([]);
  });

  it('dot paths reach nested keys and array positions; values may be objects', async () => {
    expect(await t({ equalTo: { key: 'nested.deep', value: true } })).toEqual(['o1']);
    expect(await t({ equalTo: { key: 'nested.deep', value: false } })).toEqual(['o2']);
    expect(await t({ equalTo: { key: 'nested', value: { deep: true } } })).toEqual(['o1']);
    expect(await t({ equalTo: { key: 'tags.1', value: 'b' } })).toEqual(['o1']);
    expect(await t({ equalTo: { key: 'tags', value: ['a', 'b'] } })).toEqual(['o1']);
    expect(await t({ equalTo: { key: "it's", value: 1 } })).toEqual(['o7']);
    expect(await t({ equalTo: { key: 'a b.c-d', value: 'x' } })).toEqual(['o7']);
  });

  it('ordering compares values of the same JSON type only', async () => {
    expect(await t({ lessThan: { key: 'size', value: 20 } })).toEqual(['o1', 'o6']);
    expect(await t({ lessThanOrEqualTo: { key: 'size', value: 20 } })).toEqual(['o1', 'o2', 'o6']);
    expect(await t({ greaterThanOrEqualTo: { key: 'size', value: 20 } })).toEqual(['o2']);
    expect(await t({ greaterThan: { key: 'size', value: '2' } })).toEqual(['o3']);
    expect(await t({ greaterThan: { key: 'size', value: 5 }, lessThan: { key: 'size', value: 20 } })).toEqual(['o1']);
    expect(await t({ greaterThan: { key: 'color', value: 'c' } })).toEqual(['o1', 'o3']);
  });

  it('in / notIn: one {key, value} per value, or a list as the value', async () => {
    expect(
      await t({
        in: [
          { key: 'color', value: 'red' },
          { key: 'color', value: 'blue' },
        ],
      }),
    ).toEqual(['o1', 'o2', 'o3']);
    expect(await t({ in: [{ key: 'color', value: ['blue', 'green'] }] })).toEqual(['o2']);
    expect(await t({ notIn: [{ key: 'color', value: 'red' }] })).toEqual(['o2', 'o4', 'o5', 'o6', 'o7']);
    expect(
      await t({
        in: [
          { key: 'color', value: 'red' },
          { key: 'size', value: 10 },
        ],
      }),
    ).toEqual(['o1']);
  });

  it('exists applies to the field itself', async () => {
    expect(await t({ exists: true })).toEqual(['o1', 'o2', 'o3', 'o4', 'o6', 'o7']);
    expect(await t({ exists: false })).toEqual(['o5']);
  });

  it('Parse REST form with dotted field names (in subqueries)', async () => {
    expect(await rest({ 'meta.color': 'red' })).toEqual(['o1', 'o3']);
    expect(await rest({ 'meta.size': { $gte: 10, $lt: 30 } })).toEqual(['o1', 'o2']);
    expect(await rest({ 'meta.nested.deep': { $ne: true } })).toEqual(['o2', 'o3', 'o4', 'o5', 'o6', 'o7']);
    expect(await rest({ 'meta.color': { $in: ['blue', null] } })).toEqual(['o2', 'o4', 'o5', 'o6', 'o7']);
    expect(await rest({ 'meta.color': { $nin: ['blue', null] } })).toEqual(['o1', 'o3']);
    // as in MongoDB: null matches a missing key and a null value; $exists only a missing key
    expect(await rest({ 'meta.color': null })).toEqual(['o4', 'o5', 'o6', 'o7']);
    expect(await rest({ 'meta.color': { $exists: false } })).toEqual(['o4', 'o5', 'o7']);
    expect(await rest({ 'meta.color': { $exists: true } })).toEqual(['o1', 'o2', 'o3', 'o6']);
  });

  it('inQueryKey / notInQueryKey compare the whole object as JSON', async () => {
    const select = (where: unknown) => ({ key: 'meta', query: { className: 'Thing', where } });
    expect(await t({ inQueryKey: select({ title: { in: ['o1', 'o4'] } }) })).toEqual(['o1', 'o4']);
    expect(await t({ notInQueryKey: select({ title: { in: ['o1', 'o4'] } }) })).toEqual(['o2', 'o3', 'o5', 'o6', 'o7']);
  });

  it('bad keys and operators are error 102', async () => {
    for (const key of ['', 'a..b', '.a', 'a.']) {
      expect(await f.error('Thing', { meta: { equalTo: { key, value: 1 } } }), key).toMatchObject({ code: 102 });
    }
    expect(
      await f.error('Thing', { objectId: { inQueryKey: { key: 'objectId', query: { className: 'Thing', where: { meta: { color: 'red' } } } } } }),
    ).toMatchObject({
      code: 102,
    });
  });
});
