import { randomUUID } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FileExists, type ByteRange, type FilePage, type FileStorage, type PutOptions, type StoredFile } from '../../types.ts';
import { Meter, metered } from '../meter.ts';
import { clampRange, compareNames, pageLimit } from '../names.ts';
import { isMissing, Layout, readSidecar, sidecarText, syncDir, writeSynced } from './layout.ts';

/**
 * Reads of a download, in chunks this large: each read is a round trip to libuv's thread pool,
 * which at the default 64 KiB cost more CPU than the bytes themselves (a 1 MiB download: 16 of
 * them). One chunk per download is in memory at a time.
 */
const READ_CHUNK_BYTES = 256 * 1024;

export interface LocalFileStorageOptions {
  /** The root directory; created (with its `data`, `meta` and `tmp` folders) on first use. */
  root: string;
}

/** Bytes gathered before one write: a socket hands over 16–64 KiB at a time, and each write is a trip to the thread pool. */
const WRITE_BATCH_BYTES = 512 * 1024;

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
}

/** Writes the chunks with one writev (no copy); a short write, rare on a regular file, finishes chunk by chunk. */
async function writeBatch(handle: FileHandle, chunks: Buffer[], length: number): Promise<void> {
  let written = (await handle.writev(chunks)).bytesWritten;
  if (written === length) return;
  for (const chunk of chunks) {
    if (written >= chunk.length) {
      written -= chunk.length;
      continue;
    }
    await writeAll(handle, chunk.subarray(written));
    written = 0;
  }
}

/** Copies a body into a file in batches of about WRITE_BATCH_BYTES: memory holds one batch at a time. */
async function writeBody(handle: FileHandle, body: AsyncIterable<Buffer>): Promise<void> {
  let batch: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    batch.push(chunk);
    length += chunk.length;
    if (length >= WRITE_BATCH_BYTES) {
      await writeBatch(handle, batch, length);
      batch = [];
      length = 0;
    }
  }
  if (length > 0) await writeBatch(handle, batch, length);
}

/**
 * The default store: a directory on this machine (see Layout for what goes where). A put writes
 * the content to a temporary file in the same tree, flushes it, writes its sidecar the same way,
 * links the content under its name — which refuses a name taken, atomically — and renames the
 * sidecar into place last: until that rename the file does not exist, and a crash at any point
 * leaves only what `sweep` removes (temporary files; a linked content file without a sidecar).
 * Metadata lives in a sidecar rather than extended attributes: Node has no xattr API, and
 * xattrs are lost or refused by many file systems, copies and backups; the content stays a plain
 * file that `sha256sum` checks against its ETag.
 */
export class LocalFileStorage implements FileStorage {
  readonly kind = 'fs';
  private readonly layout: Layout;
  private ready: Promise<void> | undefined;

  constructor(options: LocalFileStorageOptions) {
    this.layout = new Layout(options.root);
  }

  private dirs(): Promise<void> {
    const { dataDir, metaDir, tmpDir } = this.layout;
    this.ready ??= Promise.all([dataDir, metaDir, tmpDir].map((dir) => mkdir(dir, { recursive: true }))).then(
      () => undefined,
      (error) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  async put(name: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredFile> {
    const { layout } = this;
    const [target, sidecar] = [layout.data(name), layout.meta(name)];
    options.signal?.throwIfAborted();
    await this.dirs();
    // Refuse a taken name before reading the body; the link below is what decides in a race.
    if (await this.stat(name)) throw new FileExists(name);
    const id = randomUUID();
    const [tmpData, tmpMeta] = [layout.tmp(id), layout.tmp(`${id}.json`)];
    const meter = new Meter();
    let linked = false;
    let committed = false;
    try {
      let file: StoredFile;
      const handle = await open(tmpData, 'wx');
      try {
        await writeBody(handle, metered(body, options, meter));
        options.signal?.throwIfAborted();
        file = {
          name,
          size: meter.bytes,
          contentType: options.contentType,
          etag: meter.digest(),
          createdAt: new Date(),
          metadata: { ...options.metadata },
        };
        // The content and its sidecar are flushed at the same time: one wait for the disk, not two.
        await Promise.all([handle.sync(), writeSynced(tmpMeta, sidecarText(file))]);
      } finally {
        await handle.close();
      }
      try {
        await link(tmpData, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExists(name);
        if (isMissing(error)) throw new Error(`The upload of ${JSON.stringify(name)} was swept before it completed`);
        throw error;
      }
      linked = true;
      await rename(tmpMeta, sidecar);
      committed = true;
      await Promise.all([syncDir(layout.dataDir), syncDir(layout.metaDir)]);
      return file;
    } finally {
      // The temporary content name always goes (after the link, the content lives on under its name);
      // the temporary sidecar only when it was not renamed into place.
      const cleanup = [unlink(tmpData).catch(() => undefined)];
      if (!committed) cleanup.push(rm(tmpMeta, { force: true }));
      if (linked && !committed) cleanup.push(rm(target, { force: true }));
      await Promise.all(cleanup);
    }
  }

  async stat(name: string): Promise<StoredFile | undefined> {
    return readSidecar(this.layout.meta(name), name);
  }

  async read(name: string, range?: ByteRange): Promise<Readable | undefined> {
    const file = await this.stat(name);
    if (!file) return undefined;
    const r = range && clampRange(range, file.size);
    let handle: FileHandle;
    try {
      handle = await open(this.layout.data(name), 'r');
    } catch (error) {
      if (isMissing(error)) return undefined; // deleted since
      throw error;
    }
    return handle.createReadStream(r ? { start: r.start, end: r.end, highWaterMark: READ_CHUNK_BYTES } : { highWaterMark: READ_CHUNK_BYTES });
  }

  async delete(name: string): Promise<boolean> {
    const { layout } = this;
    try {
      await unlink(layout.meta(name)); // gone from here on
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
    await rm(layout.data(name), { force: true });
    return true;
  }

  async list(options: { after?: string; limit?: number; prefix?: string } = {}): Promise<FilePage> {
    const { after, prefix = '' } = options;
    const limit = pageLimit(options.limit);
    await this.dirs();
    // A directory has no order: the whole listing is read and sorted for each page.
    const names = (await readdir(this.layout.metaDir))
      .filter((n) => n.startsWith(prefix) && (after === undefined || compareNames(n, after) > 0))
      .sort(compareNames);
    const page = names.slice(0, limit);
    const files = (await Promise.all(page.map((n) => this.stat(n)))).filter((f): f is StoredFile => f !== undefined);
    return names.length > limit ? { files, next: page[page.length - 1] } : { files };
  }

  /** Removes temporary files, and content files that no sidecar names (a crash mid-put or mid-delete), untouched for `olderThanMs`. */
  async sweep(olderThanMs: number): Promise<number> {
    const { layout } = this;
    await this.dirs();
    const cutoff = Date.now() - olderThanMs;
    const old = async (file: string) => (await lstat(file).catch(() => undefined))?.mtimeMs ?? Number.POSITIVE_INFINITY;
    let removed = 0;
    const remove = async (file: string) => {
      if ((await old(file)) > cutoff) return;
      await rm(file, { force: true });
      removed++;
    };
    for (const entry of await readdir(layout.tmpDir)) await remove(layout.tmp(entry));
    const described = new Set(await readdir(layout.metaDir));
    for (const entry of await readdir(layout.dataDir)) {
      // Looked at again just before: a put may have renamed its sidecar in since the listing.
      if (!described.has(entry) && !(await lstat(layout.meta(entry)).catch(() => undefined))) await remove(layout.data(entry));
    }
    return removed;
  }
}
