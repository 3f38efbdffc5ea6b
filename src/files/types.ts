import type { Readable } from 'node:stream';

/*
 * The files seam (DESIGN.md decision 8): where file contents live. One interface, a default
 * that needs no server (the local file system under PLINTH_DATA_DIR/files), an S3-compatible
 * adapter and a PostgreSQL one — and one shared test suite (test/conformance/files.ts) that
 * every adapter runs. Names are the stored names (Parse's unique prefix + the name given),
 * already checked: adapters never see `..`, `/` or NUL in a name.
 */

/** What a stored file is, as the adapter knows it. */
export interface StoredFile {
  name: string;
  /** Bytes. */
  size: number;
  contentType: string;
  /** A strong validator of the content (a hash, or the store's own ETag), without quotes. */
  etag: string;
  /** When the file was stored. */
  createdAt: Date;
  /** Small string metadata (beforeSaveFile may set it), as stored. */
  metadata: Record<string, string>;
}

/**
 * A byte range of a file, both ends included (HTTP's `bytes=start-end`). An end past the last
 * byte reads to the end; a start past it (or after the end) is a RangeError.
 */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  contentType: string;
  /**
   * Refuse the file once it has more bytes than this: the put rejects with FileTooLarge as soon
   * as the limit is passed (while streaming — never after reading the whole body), and nothing
   * stays stored.
   */
  maxBytes?: number;
  metadata?: Record<string, string>;
  /** Aborts the put (the client went away): rejects, nothing stays stored. */
  signal?: AbortSignal;
}

/** Thrown by `put` when the content passes `maxBytes`. */
export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
    this.name = 'FileTooLarge';
  }
}

/** Thrown by `put` when a file is already stored under the name (files are never overwritten). */
export class FileExists extends Error {
  constructor(readonly fileName: string) {
    super(`A file named ${JSON.stringify(fileName)} is already stored.`);
    this.name = 'FileExists';
  }
}

/** The content headers a direct URL must be answered with (serve/content-type.ts decides them). */
export interface DirectResponse {
  contentType: string;
  /** Absent for types shown inline. */
  contentDisposition?: string;
}

/** One page of a listing, in name order (UTF-8 byte order, as S3 lists keys). */
export interface FilePage {
  files: StoredFile[];
  /** Pass as `after` for the next page; absent on the last one. */
  next?: string;
}

export interface FileStorage {
  readonly kind: string;
  /**
   * Streams `body` into the store under `name`, in chunks (memory stays flat whatever the size).
   * The file becomes visible only once it is whole: a failure, an abort, a crash or the size
   * limit leaves nothing visible under `name` (and nothing behind, except what a crash leaves
   * for `sweep`). Overwrites nothing: a name that exists is an error.
   */
  put(name: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredFile>;
  /** What is stored under `name`, or undefined. */
  stat(name: string): Promise<StoredFile | undefined>;
  /** The content (or a byte range of it) as a stream, or undefined when there is no such file. */
  read(name: string, range?: ByteRange): Promise<Readable | undefined>;
  /** Removes the file; false when there was none. */
  delete(name: string): Promise<boolean>;
  /** Stored files in name order, a page at a time. */
  list(options?: { after?: string; limit?: number; prefix?: string }): Promise<FilePage>;
  /**
   * A URL from which the client may fetch the file directly for `expiresInSeconds` (an S3
   * presigned URL), when the store offers one and it is configured to; undefined otherwise.
   * The store must answer that URL with `response`'s headers (the type and disposition Plinth
   * itself would send; without them, as an attachment of application/octet-stream), never
   * with what the upload declared.
   */
  directUrl?(name: string, expiresInSeconds: number, response?: DirectResponse): Promise<string | undefined>;
  /** Removes what interrupted puts left behind (temporary files, incomplete uploads) older than `olderThanMs`. */
  sweep?(olderThanMs: number): Promise<number>;
  close?(): Promise<void>;
}
