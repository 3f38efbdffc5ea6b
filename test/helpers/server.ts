import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import type { MailAdapter } from '../../src/auth/index.ts';
import type { CloudSetup } from '../../src/cloud/types.ts';
import type { Logger } from '../../src/config/logger.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { serveRequest } from '../../src/server/http.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const APP_ID = 'test-app';
export const MASTER_KEY = 'test-master-key-0123456789';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: number }; path?: (string | number)[] }[];
  body: any;
}

export interface TestServer {
  plinth: Plinth;
  database: TestDatabase;
  /** Sends one GraphQL request through the front door (a loopback socket). */
  request<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** As the master key. */
  master<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Without credentials (anonymous). */
  anon<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like master(), but fails the test on any GraphQL error and returns `data`. */
  ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** A mail adapter that captures what the server sends (instead of the configured one). */
  mail?: MailAdapter;
  /** Cloud code, as a cloud file's default export would give it. */
  cloud?: CloudSetup;
  /** The server's logger (tests read what it logs through createLogger's destination). */
  logger?: Logger;
}

/** The loopback port each Plinth's requests go through (started on first use, closed by `stopRequester`). */
const ports = new WeakMap<Plinth, Promise<http.Server>>();

function portOf(plinth: Plinth): Promise<http.Server> {
  let started = ports.get(plinth);
  if (!started) {
    const server = http.createServer((req, res) => serveRequest(plinth, req, res));
    // As listen() does: a keep-alive connection outlives a test's pauses (Node's 5 s would
    // close it under a client about to reuse it: ECONNRESET).
    server.keepAliveTimeout = 65_000;
    started = new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
    ports.set(plinth, started);
  }
  return started;
}

/** Closes the port `requester` opened for this Plinth, if any. */
export async function stopRequester(plinth: Plinth): Promise<void> {
  const started = ports.get(plinth);
  if (!started) return;
  ports.delete(plinth);
  const server = await started;
  // Requests a test sent without waiting for them finish first (the Plinth is still open);
  // a connection still busy after a while is cut.
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 20);
  const cut = setTimeout(() => server.closeAllConnections(), 2000);
  await closed;
  clearInterval(idle);
  clearTimeout(cut);
}

/** Sends a request as given to a Plinth over its loopback port (the routing of `listen`). */
export async function overSocket(plinth: Plinth, path: string, init?: RequestInit): Promise<Response> {
  const { port } = (await portOf(plinth)).address() as AddressInfo;
  return fetch(`http://127.0.0.1:${port}${path}`, init);
}

/**
 * Sends GraphQL requests to a Plinth as the application does: over a loopback socket, through
 * the same routing as `listen` (the direct lane for plain JSON POSTs, Yoga for the rest).
 */
export function requester(plinth: Plinth): TestServer['request'] {
  return async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const server = await portOf(plinth);
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${plinth.config.graphqlPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, data: body?.data ?? undefined, errors: body?.errors, body };
  };
}

/** A Plinth on a fresh database of this project's kind (PGlite in memory, or its own PostgreSQL database). */
export async function startTestServer(overrides: ConfigInput = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'silent', ...overrides });
  const plinth = await createPlinth(config, { db: database.db, mail: options.mail, cloudSetup: options.cloud, logger: options.logger });
  const request = requester(plinth);
  const master = (q: string, v?: Record<string, unknown>) => request(q, v, { 'x-parse-master-key': MASTER_KEY });
  return {
    plinth,
    database,
    request,
    master,
    anon: (q, v) => request(q, v),
    async ok(q, v) {
      const r = await master(q, v);
      if (r.errors?.length || r.status !== 200) throw new Error(`GraphQL request failed (${r.status}): ${JSON.stringify(r.body)}`);
      return r.data;
    },
    async close() {
      await stopRequester(plinth);
      await plinth.close();
      if (database.kind === 'postgres') await database.drop();
    },
  };
}
