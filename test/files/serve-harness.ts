import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import type { ByteRange, DirectResponse, FilePage, FileStorage, PutOptions, StoredFile } from '../../src/files/types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { APP_ID, MASTER_KEY } from '../helpers/server.ts';

export { APP_ID, MASTER_KEY };

/** Bytes per chunk that the memory store's streams yield (small, so that streaming shows). */
export const CHUNK = 16 * 1024;

/**
 * A FileStorage in memory for the serving, access and orphan suites (the real adapters have
 * their own conformance suite). Streams yield one chunk at a time, made when asked; every call
 * is recorded, and `chunksMade` counts what the streams produced.
 */
export class MemoryStorage implements FileStorage {
  readonly kind = 'memory';
  readonly files = new Map<string, { info: StoredFile; data: Buffer }>();
  readonly calls: { op: string; name?: string }[] = [];
  chunksMade = 0;
  destroyed = 0;
  /** When set, `directUrl` answers with this base (an S3 presigned URL stands in). */
  directBase: string | undefined;

  /** Stores a file at once (tests set `createdAt` and metadata freely). */
  add(name: string, data: Buffer | string, contentType = 'application/octet-stream', extra: Partial<StoredFile> = {}): StoredFile {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    const info: StoredFile = {
      name,
      size: bytes.length,
      contentType,
      etag: createHash('sha256').update(bytes).digest('hex').slice(0, 32),
      createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
      metadata: {},
      ...extra,
    };
    this.files.set(name, { info, data: bytes });
    return info;
  }

  async put(name: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredFile> {
    this.calls.push({ op: 'put', name });
    if (this.files.has(name)) throw new Error(`${name} exists`);
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    return this.add(name, Buffer.concat(chunks), options.contentType, { metadata: options.metadata ?? {} });
  }

  async stat(name: string): Promise<StoredFile | undefined> {
    this.calls.push({ op: 'stat', name });
    return this.files.get(name)?.info;
  }

  async read(name: string, range?: ByteRange): Promise<Readable | undefined> {
    this.calls.push({ op: 'read', name });
    const file = this.files.get(name);
    if (!file) return undefined;
    const data = range ? file.data.subarray(range.start, range.end + 1) : file.data;
    let offset = 0;
    const stream = new Readable({
      highWaterMark: CHUNK,
      read: () => {
        if (offset >= data.length) return void stream.push(null);
        this.chunksMade++;
        stream.push(data.subarray(offset, offset + CHUNK));
        offset += CHUNK;
      },
    });
    stream.once('close', () => {
      if (offset < data.length) this.destroyed++;
    });
    return stream;
  }

  async delete(name: string): Promise<boolean> {
    this.calls.push({ op: 'delete', name });
    return this.files.delete(name);
  }

  async list(options: { after?: string; limit?: number; prefix?: string } = {}): Promise<FilePage> {
    this.calls.push({ op: 'list', name: options.after });
    const limit = options.limit ?? 1000;
    const names = [...this.files.keys()]
      .filter((n) => (options.after === undefined || n > options.after) && (!options.prefix || n.startsWith(options.prefix)))
      .sort();
    const page = names.slice(0, limit);
    return { files: page.map((n) => this.files.get(n)!.info), next: names.length > limit ? page[page.length - 1] : undefined };
  }

  /** The headers the last `directUrl` call asked the store to answer with. */
  directResponse: DirectResponse | undefined;

  async directUrl(name: string, expiresInSeconds: number, response?: DirectResponse): Promise<string | undefined> {
    this.directResponse = response;
    return this.directBase ? `${this.directBase}/${encodeURIComponent(name)}?expires=${expiresInSeconds}` : undefined;
  }

  /** Storage calls that touched a file by name. */
  touched(): string[] {
    return this.calls.filter((c) => c.op !== 'list').map((c) => `${c.op} ${c.name}`);
  }
}

export interface FilesServer {
  plinth: Plinth;
  storage: MemoryStorage;
  database: TestDatabase;
  /** A request through the front door (plinth.fetch), to a path of http://plinth.test. */
  http(path: string, init?: RequestInit): Promise<Response>;
  /** A GraphQL request; `headers` add credentials. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ data?: T; errors?: any[] }>;
  /** As the master key; throws on errors. */
  ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export const FILES_BASE = `http://plinth.test/files/${APP_ID}`;

/** A Plinth with an in-memory file store on a fresh database of this project's kind. */
export async function startFilesServer(overrides: ConfigInput = {}, storage = new MemoryStorage()): Promise<FilesServer> {
  const database = await createTestDatabase();
  const config = loadConfig(
    {},
    {
      appId: APP_ID,
      masterKey: MASTER_KEY,
      dataDir: '/tmp/plinth-test-unused',
      logLevel: 'silent',
      publicUrl: 'http://plinth.test',
      ...overrides,
      jobs: { pollMs: 100, ...overrides.jobs },
    },
  );
  const plinth = await createPlinth(config, { db: database.db, fileStorage: storage });
  const http = (path: string, init?: RequestInit) => plinth.fetch(new Request(new URL(path, 'http://plinth.test'), init));
  const gql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await http('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  };
  return {
    plinth,
    storage,
    database,
    http,
    gql,
    async ok(query, variables) {
      const r = await gql(query, variables, { 'x-parse-master-key': MASTER_KEY });
      if (r.errors?.length) throw new Error(`GraphQL failed: ${JSON.stringify(r.errors)}`);
      return r.data;
    },
    async close() {
      await plinth.close();
      if (database.kind === 'postgres') await database.drop();
    },
  };
}

/** Signs up a user; returns its objectId and session token. */
export async function signUp(s: FilesServer, username: string): Promise<{ id: string; token: string }> {
  const r = await s.gql(
    `mutation($u: String!) { signUp(input: { fields: { username: $u, password: "password-123" } }) { viewer { sessionToken user { objectId } } } }`,
    { u: username },
  );
  if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
  return { id: r.data.signUp.viewer.user.objectId, token: r.data.signUp.viewer.sessionToken };
}
