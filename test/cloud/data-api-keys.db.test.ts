import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudData } from '../../src/cloud/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// A data API find returns the fields asked for (Parse's `keys`), not the columns a page reads
// only to order itself and build its cursors.
describe('data API keys', () => {
  let s: TestServer;
  let data!: CloudData;
  beforeAll(async () => {
    s = await startTestServer({}, { cloud: (cloud) => void (data = cloud.data) });
    await s.ok(
      `mutation { createClass(input: {name: "Note", schemaFields: {addStrings: [{name: "title"}], addNumbers: [{name: "rank"}]}}) { class { name } } }`,
    );
    for (const [title, rank] of [
      ['b', 2],
      ['a', 1],
      ['c', 3],
    ] as const)
      await s.ok(`mutation { createNote(input: {fields: {title: "${title}", rank: ${rank}}}) { note { objectId } } }`);
  });
  afterAll(() => s?.close());

  it('ordered by a field it does not read: in order, without that field', async () => {
    const found = await data.find('Note', {}, { order: '-rank', keys: ['title'] });
    expect(found.map((o) => o.get('title'))).toEqual(['c', 'b', 'a']);
    expect(found.every((o) => !o.has('rank'))).toBe(true);
  });

  it('ordered by a field it reads: the field is there', async () => {
    const found = await data.find('Note', {}, { order: 'rank', keys: ['title', 'rank'] });
    expect(found.map((o) => [o.get('title'), o.get('rank')])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });
});
