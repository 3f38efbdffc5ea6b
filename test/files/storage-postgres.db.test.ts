import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type RawSql } from '../../src/db/index.ts';
import { PostgresFileStorage } from '../../src/files/storage/index.ts';
import { expectBytes, fileStorageConformance, readAll } from '../conformance/files.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await migrate(t.db);
});
afterAll(() => t?.drop());

const pieces = async function* (data: Buffer, size = 64 * 1024) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
};

/** An empty store: the one database of this file, its file tables emptied. */
async function emptied(): Promise<RawSql> {
  await t.db.raw.query('TRUNCATE "_PlinthStorageFile", "_PlinthStorageUpload", "_PlinthStorageChunk"');
  return t.db.raw;
}

fileStorageConformance(
  `PostgreSQL (${process.env.PLINTH_TEST_DB === 'postgres' ? 'server' : 'PGlite'})`,
  async () => {
    const raw = await emptied();
    return {
      storage: new PostgresFileStorage({ raw }),
      // A crash mid-put leaves the upload row and the chunks written so far.
      async leaveInterruptedPut(name) {
        const id = randomUUID();
        await raw.query('INSERT INTO "_PlinthStorageUpload" ("id", "name") VALUES ($1, $2)', [id, name]);
        await raw.query('INSERT INTO "_PlinthStorageChunk" ("contentId", "n", "data") VALUES ($1, 0, $2)', [id, Buffer.from('partial')]);
      },
      async leftovers() {
        const { rows } = await raw.query(`SELECT (SELECT count(*) FROM "_PlinthStorageUpload")
          + (SELECT count(*) FROM "_PlinthStorageChunk" c WHERE NOT EXISTS (SELECT 1 FROM "_PlinthStorageFile" f WHERE f."contentId" = c."contentId")) AS "n"`);
        return Number(rows[0].n);
      },
    };
  },
  {
    skip:
      process.env.PLINTH_TEST_DB === 'postgres'
        ? {}
        : {
            'keeps memory flat while 256 MiB stream in': 'in-memory PGlite keeps the stored content in this process: its memory grows with the file by design',
          },
  },
);

describe('PostgresFileStorage', () => {
  it('keeps the content in chunk rows of the configured size, and the SHA-256 as ETag', async () => {
    const raw = await emptied();
    const storage = new PostgresFileStorage({ raw, chunkBytes: 1000 });
    const data = Buffer.from(Array.from({ length: 2500 }, (_, i) => i % 251));
    const put = await storage.put('c.bin', pieces(data, 333), { contentType: 'application/octet-stream' });
    expect(put.etag).toBe(createHash('sha256').update(data).digest('hex'));
    const { rows } = await raw.query('SELECT "n", length("data") AS "length" FROM "_PlinthStorageChunk" ORDER BY "n"');
    expect(rows.map((r) => [Number(r.n), Number(r.length)])).toEqual([
      [0, 1000],
      [1, 1000],
      [2, 500],
    ]);
    expectBytes(await readAll(await storage.read('c.bin', { start: 999, end: 2001 })), data.subarray(999, 2002));
  });

  it('reads a range with one statement per chunk it covers, and only those', async () => {
    const raw = await emptied();
    const statements: unknown[][] = [];
    const watched: RawSql = { ...raw, query: (text, values) => (text.includes('substring') && statements.push([...(values ?? [])]), raw.query(text, values)) };
    const storage = new PostgresFileStorage({ raw: watched, chunkBytes: 1000 });
    await storage.put('r.bin', pieces(Buffer.alloc(10_000, 7)), { contentType: 'application/octet-stream' });
    await readAll(await storage.read('r.bin', { start: 4500, end: 5600 }));
    expect(statements.map((v) => v.slice(1))).toEqual([
      [4, 501, 500],
      [5, 1, 601],
    ]);
  });

  it('fails a read whose file is deleted midway rather than end it short', async () => {
    const raw = await emptied();
    const storage = new PostgresFileStorage({ raw, chunkBytes: 1000 });
    await storage.put('d.bin', pieces(Buffer.alloc(50_000, 1)), { contentType: 'application/octet-stream' });
    const stream = (await storage.read('d.bin'))!;
    const first = await new Promise((resolve) => stream.once('data', resolve));
    expect(first).toBeInstanceOf(Buffer);
    stream.pause();
    expect(await storage.delete('d.bin')).toBe(true);
    await expect(readAll(stream)).rejects.toThrow(/deleted while it was being read/);
  });

  it('shares files between instances on one database', async () => {
    const raw = await emptied();
    const put = await new PostgresFileStorage({ raw }).put('shared.txt', pieces(Buffer.from('shared')), { contentType: 'text/plain' });
    expect(await new PostgresFileStorage({ raw }).stat('shared.txt')).toEqual(put);
  });
});
