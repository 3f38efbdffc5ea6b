import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// End to end: a class whose plural is its singular is created and used through both queries.

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.close());

describe('a class whose plural is its singular', () => {
  it.each([
    ['Sheep', 'sheep', 'sheepList'],
    ['Series', 'series', 'seriesList'],
    ['AllKinds', 'allKinds', 'allKindsList'],
  ])('%s is created and served by %s(id) and %s(…)', async (className, get, find) => {
    await s.ok(`mutation { createClass(input: { name: "${className}", schemaFields: { addStrings: [{ name: "label" }] } }) { class { name } } }`);
    const created = await s.ok(`mutation { create${className}(input: { fields: { label: "one" } }) { ${get} { objectId } } }`);
    const id = created[`create${className}`][get].objectId;
    await s.ok(`mutation { create${className}(input: { fields: { label: "two" } }) { ${get} { objectId } } }`);
    expect((await s.ok(`{ ${get}(id: "${id}") { objectId label } }`))[get]).toEqual({ objectId: id, label: 'one' });
    const found = await s.ok(`{ ${find}(order: [label_ASC]) { count edges { node { label } } } }`);
    expect(found[find]).toEqual({ count: 2, edges: [{ node: { label: 'one' } }, { node: { label: 'two' } }] });
  });

  it('documents both queries in the schema, and the live result set takes the find name', async () => {
    const d = await s.ok(`{ __schema { queryType { fields { name description } } subscriptionType { fields { name } } } }`);
    const fields = new Map<string, string>(d.__schema.queryType.fields.map((f: { name: string; description: string }) => [f.name, f.description]));
    expect(fields.get('sheep')).toBe('The sheep query can be used to get an object of the Sheep class by its id.');
    expect(fields.get('sheepList')).toBe('The sheepList query can be used to find objects of the Sheep class.');
    expect(d.__schema.subscriptionType.fields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['sheepList', 'sheepEvents']));
  });
});
