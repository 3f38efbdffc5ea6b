import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DatabaseError, SqlState, type RawSql } from '../../../db/index.ts';
import { FileExists, type ByteRange, type FilePage, type FileStorage, type PutOptions, type StoredFile } from '../../types.ts';
import { Meter, metered, rechunk } from '../meter.ts';
import { checkName, clampRange, pageLimit } from '../names.ts';
import * as sql from './sql.ts';

export interface PostgresFileStorageOptions {
  /** The database's driver (Database.raw): bytes go through as bytea, and file traffic stays out of `onQuery`. */
  raw: RawSql;
  /** Bytes per chunk row (default 256 KiB): what one statement moves, and about what a put or a read holds. */
  chunkBytes?: number;
}

interface FileRow {
  name: string;
  contentId: string;
  size: string | number | bigint;
  chunkBytes: number;
  contentType: string;
  etag: string;
  metadata: Record<string, string>;
  createdAt: Date;
}

const toFile = (row: FileRow): StoredFile => ({
  name: row.name,
  size: Number(row.size),
  contentType: row.contentType,
  etag: row.etag,
  createdAt: new Date(row.createdAt),
  metadata: row.metadata ?? {},
});

/**
 * Files in PostgreSQL (or PGlite), so that instances share them with no other service. A put
 * writes each chunk as it arrives, one autocommitted INSERT at a time — no transaction held open
 * for the length of an upload, which on PGlite's single session would stop everyone else — and
 * one last statement makes the file visible. Reads fetch a chunk per statement, only those the
 * range covers. Chunks of bytea rather than large objects: both work on PostgreSQL and PGlite
 * (lo_put / lo_get), but rows go away with their file, need no lo_unlink bookkeeping, and are
 * dumped, replicated and permitted like any other table.
 */
export class PostgresFileStorage implements FileStorage {
  readonly kind = 'postgres';
  private readonly raw: RawSql;
  private readonly chunkBytes: number;

  constructor(options: PostgresFileStorageOptions) {
    this.raw = options.raw;
    this.chunkBytes = options.chunkBytes ?? 256 * 1024;
  }

  async put(name: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredFile> {
    checkName(name);
    options.signal?.throwIfAborted();
    if (await this.stat(name)) throw new FileExists(name);
    const id = randomUUID();
    const meter = new Meter();
    await this.raw.query(sql.BEGIN_UPLOAD, [id, name]);
    try {
      let n = 0;
      for await (const chunk of rechunk(metered(body, options, meter), this.chunkBytes)) {
        const { rows } = await this.raw.query(sql.ADD_CHUNK, [id, n++, chunk]);
        if (rows.length === 0) throw new Error(`The upload of ${JSON.stringify(name)} was swept before it completed`);
      }
      options.signal?.throwIfAborted();
      const etag = meter.digest();
      const metadata = { ...options.metadata };
      let rows: { createdAt: Date }[];
      try {
        ({ rows } = (await this.raw.query(sql.COMPLETE_UPLOAD, [
          id,
          name,
          meter.bytes,
          this.chunkBytes,
          options.contentType,
          etag,
          JSON.stringify(metadata),
        ])) as { rows: { createdAt: Date }[] });
      } catch (error) {
        if (error instanceof DatabaseError && error.code === SqlState.UNIQUE_VIOLATION) throw new FileExists(name);
        throw error;
      }
      if (rows.length === 0) throw new Error(`The upload of ${JSON.stringify(name)} was swept before it completed`);
      return { name, size: meter.bytes, contentType: options.contentType, etag, createdAt: new Date(rows[0].createdAt), metadata };
    } catch (error) {
      // Best effort: what stays (the database went away) is swept later.
      await this.raw.query(sql.DISCARD_UPLOAD, [id]).catch(() => undefined);
      throw error;
    }
  }

  private async row(name: string): Promise<FileRow | undefined> {
    const { rows } = await this.raw.query(sql.STAT, [checkName(name)]);
    return rows[0] as unknown as FileRow | undefined;
  }

  async stat(name: string): Promise<StoredFile | undefined> {
    const row = await this.row(name);
    return row && toFile(row);
  }

  async read(name: string, range?: ByteRange): Promise<Readable | undefined> {
    const row = await this.row(name);
    if (!row) return undefined;
    const size = Number(row.size);
    const { start, end } = range ? clampRange(range, size) : { start: 0, end: size - 1 };
    const chunks = this.chunks(row.contentId, row.chunkBytes, start, end);
    return Readable.from(chunks, { objectMode: false, highWaterMark: row.chunkBytes });
  }

  /** The bytes from `start` to `end`, a chunk row per statement, fetched as the reader asks for them. */
  private async *chunks(contentId: string, chunkBytes: number, start: number, end: number): AsyncGenerator<Buffer> {
    for (let offset = start; offset <= end; ) {
      const n = Math.floor(offset / chunkBytes);
      const from = offset - n * chunkBytes;
      const length = Math.min(chunkBytes - from, end - offset + 1);
      const { rows } = await this.raw.query(sql.READ_CHUNK, [contentId, n, from + 1, length]);
      const data = rows[0]?.data as Uint8Array | undefined;
      if (!data || data.length !== length) throw new Error('The file was deleted while it was being read');
      yield Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      offset += length;
    }
  }

  async delete(name: string): Promise<boolean> {
    const { rows } = await this.raw.query(sql.DELETE_FILE, [checkName(name)]);
    return Number(rows[0]?.deleted ?? 0) > 0;
  }

  async list(options: { after?: string; limit?: number; prefix?: string } = {}): Promise<FilePage> {
    const limit = pageLimit(options.limit);
    const { rows } = await this.raw.query(sql.LIST, [options.after ?? '', sql.prefixPattern(options.prefix ?? ''), limit + 1]);
    const files = (rows as unknown as FileRow[]).slice(0, limit).map(toFile);
    return rows.length > limit ? { files, next: files[files.length - 1].name } : { files };
  }

  /** Removes uploads that never completed and wrote nothing for `olderThanMs` (by the database's clock), with their chunks. */
  async sweep(olderThanMs: number): Promise<number> {
    const { rows } = await this.raw.query(sql.SWEEP, [olderThanMs]);
    return Number(rows[0]?.removed ?? 0);
  }
}
