import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { createLogger } from '../../src/config/logger.ts';
import type { CloudSetup } from '../../src/cloud/types.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { FileTooLarge, type ByteRange, type FilePage, type FileStorage, type PutOptions, type StoredFile } from '../../src/files/types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { APP_ID, MASTER_KEY } from '../helpers/server.ts';

export { APP_ID, MASTER_KEY };

/**
 * A FileStorage in memory for the upload suites, keeping the seam's promises that uploads rely
 * on: a put streams (counting as it goes), refuses past `maxBytes` as soon as it is passed, and
 * leaves nothing under the name when it fails or is aborted. Records the largest chunk seen and
 * the puts that failed.
 */
export class UploadStorage implements FileStorage {
  readonly kind = 'memory';
  readonly files = new Map<string, { info: StoredFile; data: Buffer }>();
  /** Puts started, and those that failed (aborted, too large, the body failed). */
  puts = 0;
  failedPuts = 0;
  /** Bytes a put read before it failed (the largest). */
  readBeforeFailure = 0;

  async put(name: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredFile> {
    this.puts++;
    if (this.files.has(name)) throw new Error(`${name} exists`);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      options.signal?.throwIfAborted();
      for await (const c of body) {
        options.signal?.throwIfAborted();
        size += c.byteLength;
        if (options.maxBytes !== undefined && size > options.maxBytes) throw new FileTooLarge(options.maxBytes);
        chunks.push(Buffer.from(c));
      }
    } catch (error) {
      this.failedPuts++;
      this.readBeforeFailure = Math.max(this.readBeforeFailure, size);
      throw error;
    }
    const data = Buffer.concat(chunks);
    const info: StoredFile = {
      name,
      size: data.length,
      contentType: options.contentType,
      etag: createHash('sha256').update(data).digest('hex'),
      createdAt: new Date(),
      metadata: options.metadata ?? {},
    };
    this.files.set(name, { info, data });
    return info;
  }

  async stat(name: string): Promise<StoredFile | undefined> {
    return this.files.get(name)?.info;
  }

  async read(name: string, range?: ByteRange): Promise<Readable | undefined> {
    const file = this.files.get(name);
    if (!file) return undefined;
    return Readable.from([range ? file.data.subarray(range.start, range.end + 1) : file.data]);
  }

  async delete(name: string): Promise<boolean> {
    return this.files.delete(name);
  }

  async list(options: { after?: string; limit?: number; prefix?: string } = {}): Promise<FilePage> {
    const names = [...this.files.keys()]
      .filter((n) => (options.after === undefined || n > options.after) && (!options.prefix || n.startsWith(options.prefix)))
      .sort();
    const limit = options.limit ?? 1000;
    return { files: names.slice(0, limit).map((n) => this.files.get(n)!.info), next: names.length > limit ? names[limit - 1] : undefined };
  }

  /** The stored names. */
  names(): string[] {
    return [...this.files.keys()];
  }

  text(name: string): string | undefined {
    return this.files.get(name)?.data.toString('utf8');
  }
}

/** One file part of a multipart request. */
export interface FilePart {
  /** The part's field name (the map's key); default its index. */
  field?: string;
  /** The Content-Disposition filename, as a browser sends it (raw UTF-8, `"` as %22). */
  filename: string;
  /** Send the name as RFC 5987 `filename*=UTF-8''…` instead (percent-encoded: any byte). */
  extended?: boolean;
  type?: string;
  /** The bytes, or a generator of them (made on the fly: large uploads). */
  content: string | Uint8Array | (() => AsyncIterable<Uint8Array>);
}

export interface UploadRequest {
  query: string;
  variables?: Record<string, unknown>;
  /** field → places (default: file i fills `variables.<name>` given by `places[i]`). */
  map?: Record<string, string[]>;
  files: FilePart[];
  /** Raw `operations` text (overrides query/variables). */
  operations?: string;
}

const CRLF = '\r\n';

function disposition(part: FilePart, field: string): string {
  const name = part.extended ? `filename*=UTF-8''${encodeURIComponent(part.filename)}` : `filename="${part.filename.replace(/"/g, '%22')}"`;
  return `Content-Disposition: form-data; name="${field}"; ${name}`;
}

/** The multipart body of a GraphQL upload, made as it is read. */
export function multipartBody(request: UploadRequest, boundary: string): AsyncGenerator<Uint8Array> {
  return (async function* () {
    const field = (name: string, value: string) =>
      Buffer.from(`--${boundary}${CRLF}Content-Disposition: form-data; name="${name}"${CRLF}${CRLF}${value}${CRLF}`);
    yield field('operations', request.operations ?? JSON.stringify({ query: request.query, variables: request.variables ?? {} }));
    const map = request.map ?? {};
    yield field('map', JSON.stringify(map));
    for (const [i, part] of request.files.entries()) {
      const name = part.field ?? String(i);
      yield Buffer.from(`--${boundary}${CRLF}${disposition(part, name)}${CRLF}Content-Type: ${part.type ?? 'application/octet-stream'}${CRLF}${CRLF}`);
      if (typeof part.content === 'function') yield* part.content();
      else yield Buffer.from(part.content);
      yield Buffer.from(CRLF);
    }
    yield Buffer.from(`--${boundary}--${CRLF}`);
  })();
}

/** `size` bytes of text made on the fly in 64 KiB chunks (none kept). */
export function generated(size: number, byte = 0x61): () => AsyncIterable<Uint8Array> {
  return async function* () {
    const chunk = Buffer.alloc(64 * 1024, byte);
    for (let left = size; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  };
}

export interface Response_ {
  status: number;
  body: any;
  errors?: { message: string; extensions?: { code?: number | string } }[];
  data?: any;
}

export interface UploadServer {
  plinth: Plinth;
  storage: UploadStorage;
  database: TestDatabase;
  logs: Record<string, any>[];
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response_>;
  ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  upload(request: UploadRequest, headers?: Record<string, string>, init?: { signal?: AbortSignal }): Promise<Response_>;
  /** A POST of raw bytes with this content type (malformed multipart). */
  raw(body: string | Uint8Array, contentType: string, headers?: Record<string, string>): Promise<Response_>;
  /** A new user's session token. */
  signUp(): Promise<{ token: string; userId: string }>;
  /** A new anonymous user's session token (logInWith anonymous authData). */
  anonymous(): Promise<{ token: string; userId: string }>;
  close(): Promise<void>;
}

async function answer(res: Response): Promise<Response_> {
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, errors: body?.errors, data: body?.data ?? undefined };
}

export const MASTER = { 'x-parse-master-key': MASTER_KEY };
export const session = (token: string) => ({ 'x-parse-session-token': token });

/**
 * A Plinth with an in-memory file store on a fresh database; the server's log lines are kept.
 * `fileStorage` puts another store in its place (a real adapter; `storage` then sees nothing).
 */
export async function startUploadServer(
  overrides: ConfigInput = {},
  options: { cloud?: CloudSetup; storage?: UploadStorage; fileStorage?: FileStorage } = {},
): Promise<UploadServer> {
  const database = await createTestDatabase();
  const storage = options.storage ?? new UploadStorage();
  const logs: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', publicUrl: 'http://plinth.test', ...overrides });
  const plinth = await createPlinth(config, {
    db: database.db,
    fileStorage: options.fileStorage ?? storage,
    cloudSetup: options.cloud,
    logger: createLogger('info', sink),
  });
  const post = (body: BodyInit, contentType: string, headers: Record<string, string>, signal?: AbortSignal) =>
    plinth.fetch(
      new Request('http://plinth.test/graphql', {
        method: 'POST',
        headers: { 'content-type': contentType, 'x-parse-application-id': APP_ID, ...headers },
        body,
        signal,
        duplex: 'half',
      } as RequestInit),
    );
  const gql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    answer(await post(JSON.stringify({ query, variables }), 'application/json', headers));
  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const r = await gql(query, variables, MASTER);
    if (r.errors?.length || r.status !== 200) throw new Error(`GraphQL request failed (${r.status}): ${JSON.stringify(r.body)}`);
    return r.data;
  };
  const login = async (authData?: Record<string, unknown>) => {
    const r = authData
      ? await gql('mutation($a: Object!) { logInWith(input: { authData: $a }) { viewer { sessionToken user { objectId } } } }', { a: authData })
      : await gql('mutation($f: CreateUserFieldsInput) { signUp(input: { fields: $f }) { viewer { sessionToken user { objectId } } } }', {
          f: { username: `u${randomBytes(6).toString('hex')}`, password: 'correct-horse-battery' },
        });
    const viewer = (r.data?.logInWith ?? r.data?.signUp)?.viewer;
    if (!viewer) throw new Error(`could not sign in: ${JSON.stringify(r.body)}`);
    return { token: viewer.sessionToken as string, userId: viewer.user.objectId as string };
  };
  return {
    plinth,
    storage,
    database,
    logs,
    gql,
    ok,
    async upload(request, headers = {}, init = {}) {
      const boundary = `----plinth${randomBytes(8).toString('hex')}`;
      const body = Readable.toWeb(Readable.from(multipartBody(request, boundary))) as unknown as ReadableStream<Uint8Array>;
      return answer(await post(body, `multipart/form-data; boundary=${boundary}`, headers, init.signal));
    },
    raw: async (body, contentType, headers = {}) => answer(await post(typeof body === 'string' ? body : new Uint8Array(body), contentType, headers)),
    signUp: () => login(),
    anonymous: () => login({ anonymous: { id: `anon-${randomBytes(12).toString('hex')}` } }),
    async close() {
      await plinth.close();
      if (database.kind === 'postgres') await database.drop();
    },
  };
}

/** Parse's stored-name format: 32 hex digits, `_`, the name. */
export const STORED = (name: string) => new RegExp(`^[0-9a-f]{32}_${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
