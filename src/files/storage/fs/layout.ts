import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { StoredFile } from '../../types.ts';
import { checkName } from '../names.ts';

/**
 * Where the local store keeps things under its root: `data/<name>` the content, as a plain file;
 * `meta/<name>` its sidecar (JSON: size, content type, ETag, creation time, metadata), whose
 * presence makes the file exist; `tmp/` puts in progress. Flat names never meet these folders'
 * names, and each path is checked to stay inside its folder.
 */
export class Layout {
  readonly dataDir: string;
  readonly metaDir: string;
  readonly tmpDir: string;

  constructor(readonly root: string) {
    this.dataDir = path.join(root, 'data');
    this.metaDir = path.join(root, 'meta');
    this.tmpDir = path.join(root, 'tmp');
  }

  data(name: string): string {
    return inside(this.dataDir, name);
  }

  meta(name: string): string {
    return inside(this.metaDir, name);
  }

  tmp(id: string): string {
    return inside(this.tmpDir, id);
  }
}

function inside(dir: string, name: string): string {
  const full = path.join(dir, checkName(name));
  if (path.dirname(full) !== dir) throw new TypeError(`Invalid file name: ${JSON.stringify(name)}`);
  return full;
}

/** The sidecar's text: what `stat` answers, minus the name (the sidecar's own file name). */
export function sidecarText(file: StoredFile): string {
  const { size, contentType, etag, createdAt, metadata } = file;
  return JSON.stringify({ v: 1, size, contentType, etag, createdAt: createdAt.toISOString(), metadata });
}

/** The file a sidecar describes, or undefined when there is no sidecar (no such file). */
export async function readSidecar(file: string, name: string): Promise<StoredFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const s = JSON.parse(text);
  if (s?.v !== 1 || typeof s.size !== 'number' || typeof s.etag !== 'string') throw new Error(`${file} is not a Plinth file sidecar`);
  return { name, size: s.size, contentType: s.contentType, etag: s.etag, createdAt: new Date(s.createdAt), metadata: s.metadata ?? {} };
}

/** Writes a new file (never an existing one) and flushes it to disk before returning. */
export async function writeSynced(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (new names, renames) to disk; a no-op where directories cannot be opened (Windows). */
export async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/** Whether `error` is the file system's "no such file". */
export const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';
