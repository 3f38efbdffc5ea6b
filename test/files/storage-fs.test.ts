import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFileStorage } from '../../src/files/storage/index.ts';
import { FileExists } from '../../src/files/types.ts';
import { fileStorageConformance } from '../conformance/files.ts';

const pieces = async function* (text: string) {
  yield Buffer.from(text);
};

/** Leftovers in a root: temporary files, and content files that no sidecar describes. */
async function leftovers(root: string): Promise<number> {
  const list = (dir: string) => readdir(path.join(root, dir)).catch(() => [] as string[]);
  const described = new Set(await list('meta'));
  return (await list('tmp')).length + (await list('data')).filter((n) => !described.has(n)).length;
}

fileStorageConformance('local file system', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'plinth-files-'));
  return {
    storage: new LocalFileStorage({ root }),
    // A crash mid-write leaves a temporary file; one between the link and the sidecar's rename, an undescribed content file.
    async leaveInterruptedPut(name) {
      await writeFile(path.join(root, 'tmp', randomUUID()), 'partial');
      await writeFile(path.join(root, 'data', name), 'linked, never described');
    },
    leftovers: () => leftovers(root),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

describe('LocalFileStorage', () => {
  let root: string;
  let storage: LocalFileStorage;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'plinth-files-'));
    storage = new LocalFileStorage({ root });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps the content as a plain file whose SHA-256 is the ETag, described by a JSON sidecar', async () => {
    const put = await storage.put('résumé.txt', pieces('hello'), { contentType: 'text/plain', metadata: { a: 'b' } });
    const content = await readFile(path.join(root, 'data', 'résumé.txt'));
    expect(content.toString()).toBe('hello');
    expect(put.etag).toBe(createHash('sha256').update(content).digest('hex'));
    const sidecar = JSON.parse(await readFile(path.join(root, 'meta', 'résumé.txt'), 'utf8'));
    expect(sidecar).toEqual({ v: 1, size: 5, contentType: 'text/plain', etag: put.etag, createdAt: put.createdAt.toISOString(), metadata: { a: 'b' } });
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('treats a content file without its sidecar as absent, refuses its name until swept, then takes it', async () => {
    await storage.list(); // creates the folders
    await writeFile(path.join(root, 'data', 'orphan.txt'), 'left by a crash');
    expect(await storage.stat('orphan.txt')).toBeUndefined();
    expect(await storage.read('orphan.txt')).toBeUndefined();
    expect((await storage.list()).files).toEqual([]);
    await expect(storage.put('orphan.txt', pieces('new'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(FileExists);
    expect(await storage.sweep(0)).toBe(1);
    await storage.put('orphan.txt', pieces('new'), { contentType: 'text/plain' });
    expect((await readFile(path.join(root, 'data', 'orphan.txt'))).toString()).toBe('new');
  });

  it('reports a name the file system cannot hold as an error, not as taken', async () => {
    const long = 'x'.repeat(300);
    const put = storage.put(long, pieces('x'), { contentType: 'text/plain' });
    await expect(put).rejects.toThrow();
    await expect(put).rejects.not.toBeInstanceOf(FileExists);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('keeps files across instances on one root', async () => {
    const put = await storage.put('shared.txt', pieces('shared'), { contentType: 'text/plain' });
    const other = new LocalFileStorage({ root });
    expect(await other.stat('shared.txt')).toEqual(put);
  });
});
