import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import { exportObjects } from '../../src/admin/export.ts';
import { parseCsv } from '../../src/admin/import/index.ts';
import type { AdminPrincipal } from '../../src/admin/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { adminApi, makeAdmin, type AdminApi } from '../helpers/admin.ts';

// Issue 14, point 3: import with a preview, export streamed (CSV and JSON), and back again.
let s: TestServer;
let api: AdminApi;
let owner: AdminPrincipal;

const FIELDS = {
  title: { type: 'String' },
  n: { type: 'Number' },
  done: { type: 'Boolean' },
  due: { type: 'Date' },
  meta: { type: 'Object' },
  tags: { type: 'Array' },
  owner: { type: 'Pointer', targetClass: '_User' },
  place: { type: 'GeoPoint' },
};

beforeAll(async () => {
  s = await startTestServer();
  api = adminApi(s.plinth);
  owner = await makeAdmin(s.plinth, 'OWNER');
  for (const name of ['Source', 'FromCsv', 'FromJson', 'Csv'])
    await api.ok(owner, `mutation($n: String!, $f: JSON) { createClass(className: $n, fields: $f) { className } }`, { n: name, f: FIELDS });
});
afterAll(() => s?.close());

const PREVIEW = `mutation($c: String!, $f: String!, $t: String!) { previewImport(className: $c, format: $f, text: $t) { total sample fields errors } }`;
const IMPORT = `mutation($c: String!, $f: String!, $t: String!) { importObjects(className: $c, format: $f, text: $t) { created failed errors } }`;

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function rows(className: string) {
  const data = await api.ok(owner, `query($c: String!) { objects(className: $c, order: ["title_ASC"], first: 1000) { objects } }`, { c: className });
  return data.objects.objects.map(({ objectId, createdAt, updatedAt, ACL, ...rest }: any) => rest);
}

describe('import', () => {
  it('previews a JSON import (Parse’s {results}) without writing, naming unknown fields', async () => {
    const t = JSON.stringify({ results: [{ title: 'a', n: 1 }, { title: 'b', nope: true }, 5] });
    const preview = (await api.ok(owner, PREVIEW, { c: 'Csv', f: 'json', t })).previewImport;
    expect(preview.total).toBe(2);
    expect(preview.sample).toEqual([
      { title: 'a', n: 1 },
      { title: 'b', nope: true },
    ]);
    expect(preview.fields).toEqual(['title', 'n', 'nope']);
    expect(preview.errors).toEqual(['Row 3: not an object', 'Field nope does not exist in class Csv.']);
    expect(await s.plinth.core.count(Auth.master(), 'Csv')).toBe(0);
  });

  it('imports CSV with values read per field type, reporting failures per row', async () => {
    const t = [
      'title,n,done,due,tags,place',
      'one,1,true,2026-01-02T00:00:00.000Z,"[""x"",""y""]","{""__type"":""GeoPoint"",""latitude"":1,""longitude"":2}"',
      'two,abc,false,,,',
      'three,3,,,,',
    ].join('\n');
    const result = (await api.ok(owner, IMPORT, { c: 'Csv', f: 'csv', t })).importObjects;
    expect(result).toEqual({ created: 2, failed: 1, errors: ['Row 2: n: "abc" is not a number'] });
    expect(await rows('Csv')).toEqual([
      {
        title: 'one',
        n: 1,
        done: true,
        due: { __type: 'Date', iso: '2026-01-02T00:00:00.000Z' },
        tags: ['x', 'y'],
        place: { __type: 'GeoPoint', latitude: 1, longitude: 2 },
      },
      { title: 'three', n: 3 },
    ]);
  });

  it('writes the rows that can be written when a batch fails, and names the others', async () => {
    const t = JSON.stringify([{ title: 'ok 1' }, { title: 'bad', unknownField: 1 }, { title: 'ok 2' }]);
    const result = (await api.ok(owner, IMPORT, { c: 'FromJson', f: 'json', t })).importObjects;
    expect(result.created).toBe(2);
    expect(result.failed).toBe(1);
    expect(result.errors[0]).toMatch(/^Row 2: .*unknownField/);
    const deleted = (await rows('FromJson')).map((r: any) => r.title);
    expect(deleted).toEqual(['ok 1', 'ok 2']);
    // Clean up for the round trip below.
    const ids = (await api.ok(owner, `{ objects(className: "FromJson") { objects } }`)).objects.objects.map((o: any) => o.objectId);
    await api.ok(owner, `mutation($ids: [ID!]!) { deleteObjects(className: "FromJson", objectIds: $ids) }`, { ids });
  });
});

describe('export', () => {
  it('streams CSV and JSON that import back to the same objects', async () => {
    const user = await s.plinth.core.create(Auth.master(), '_User', { username: 'exp', password: 'secret-pass-5' });
    await s.plinth.core.transaction(async (uow) => {
      for (let i = 0; i < 520; i++) {
        await s.plinth.core.create(
          Auth.master(),
          'Source',
          {
            title: `row ${String(i).padStart(4, '0')}, "quoted"\nline`,
            n: i,
            done: i % 2 === 0,
            due: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
            meta: { i, nested: { ok: true } },
            tags: ['a', i],
            owner: i % 3 === 0 ? user.objectId : undefined,
            place: i % 5 === 0 ? { latitude: 1.5, longitude: -2.25 } : undefined,
          },
          { uow },
        );
      }
    });
    const source = await rows('Source');
    expect(source).toHaveLength(520); // more than one page of the export's reads (500)

    const csv = await text(exportObjects(api.deps, owner, 'Source', 'csv'));
    const json = await text(exportObjects(api.deps, owner, 'Source', 'json'));
    expect(JSON.parse(json).results).toHaveLength(520);
    expect(csv.split('\r\n')[0]).toContain('objectId,');

    expect((await api.ok(owner, IMPORT, { c: 'FromCsv', f: 'csv', t: csv })).importObjects).toMatchObject({ created: 520, failed: 0 });
    expect((await api.ok(owner, IMPORT, { c: 'FromJson', f: 'json', t: json })).importObjects).toMatchObject({ created: 520, failed: 0 });
    expect(await rows('FromCsv')).toEqual(source);
    expect(await rows('FromJson')).toEqual(source);
  });

  it('exports only what `where` selects, and refuses a bad format or class before streaming', async () => {
    const csv = await text(exportObjects(api.deps, owner, 'Source', 'csv', JSON.stringify({ n: { lessThan: 3 } })));
    const lines = parseCsv(csv);
    expect(lines).toHaveLength(1 + 3);
    expect(
      lines
        .slice(1)
        .map((l) => l[lines[0].indexOf('title')])
        .sort(),
    ).toEqual(['row 0000, "quoted"\nline', 'row 0001, "quoted"\nline', 'row 0002, "quoted"\nline']);
    expect(() => exportObjects(api.deps, owner, 'Source', 'xml')).toThrow(/format/);
    expect(() => exportObjects(api.deps, owner, 'Missing', 'csv')).toThrow(/Missing/);
  });
});
