import { readSse, type SseStream } from '../helpers/sse.ts';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { createLogger } from '../../src/config/logger.ts';
import type { CloudSetup } from '../../src/cloud/types.ts';
import { createPlinth } from '../../src/server/app.ts';
import { listen, type RunningServer } from '../../src/server/http.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { APP_ID, MASTER_KEY, requester, stopRequester, type GraphQLResponse, type TestServer } from '../helpers/server.ts';

export { APP_ID, MASTER_KEY };

/*
 * A whole Plinth for the cloud-code suites, like test/helpers/server.ts's, plus what those
 * suites need to look at: the server's log lines (after-trigger failures are only logged),
 * raw rows (what the database holds, read past every trigger), and optionally a real port for
 * graphql-ws clients.
 */

export interface CloudTestServer extends TestServer {
  /** Every log line the server wrote (pino JSON), oldest first. */
  logs: Record<string, any>[];
  /** The rows of a class's table as stored (SQL, no triggers, no ACL), oldest first. */
  rows(className: string, where?: string, params?: unknown[]): Promise<Record<string, any>[]>;
  /** A request with these headers plus the session token of `token` (when given). */
  as<T = any>(token: string | undefined, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** ws://127.0.0.1:<port>/graphql when started with `listen`. */
  wsUrl?: string;
  running?: RunningServer;
  /** A graphql-ws client (server started with `listen`). */
  client(params?: Record<string, unknown>, options?: { onClosed?: (event: { code: number; reason: string }) => void }): Client;
}

export async function startCloudServer(cloud: CloudSetup, overrides: ConfigInput = {}, options: { listen?: boolean } = {}): Promise<CloudTestServer> {
  const database = await createTestDatabase();
  const logs: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'info', ...overrides });
  const plinth = await createPlinth(config, { db: database.db, cloudSetup: cloud, logger: createLogger('info', sink) });
  const request = requester(plinth);
  const master = (q: string, v?: Record<string, unknown>) => request(q, v, { 'x-parse-master-key': MASTER_KEY });
  let running: RunningServer | undefined;
  let wsUrl: string | undefined;
  if (options.listen) {
    running = await listen(plinth, 0, '127.0.0.1');
    wsUrl = running.url.replace(/^http:/, 'ws:');
  }
  const clients: Client[] = [];
  return {
    plinth,
    database,
    logs,
    running,
    wsUrl,
    request,
    master,
    anon: (q, v) => request(q, v),
    as: (token, q, v, headers = {}) => request(q, v, { ...(token ? { 'x-parse-session-token': token } : {}), ...headers }),
    async ok(q, v) {
      const r = await master(q, v);
      if (r.errors?.length || r.status !== 200) throw new Error(`GraphQL request failed (${r.status}): ${JSON.stringify(r.body)}`);
      return r.data;
    },
    rows: (className, where = 'TRUE', params = []) =>
      database.db.query(
        `SELECT * FROM "${className}" WHERE ${where} ORDER BY ${className.startsWith('_Join:') ? '"owningId", "relatedId"' : '"createdAt", "objectId"'}`,
        params,
      ),
    client(params = {}, opts = {}) {
      if (!wsUrl) throw new Error('start the server with { listen: true }');
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { applicationId: APP_ID, ...params },
        retryAttempts: 0,
        lazy: true,
        on: { closed: (event) => opts.onClosed?.(event as { code: number; reason: string }) },
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await stopRequester(plinth);
      if (running) await running.stop(1000);
      else await plinth.close();
      if (database.kind === 'postgres') await database.drop();
    },
  };
}

/** Signs a user up through the API (as a client would) and returns its id and session token. */
export async function signUp(s: TestServer, username: string, extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const r = await s.anon(`mutation($f: CreateUserFieldsInput) { signUp(input: { fields: $f }) { viewer { sessionToken user { objectId } } } }`, {
    f: { username, password: 'correct-horse-battery', ...extra },
  });
  if (r.errors?.length) throw new Error(`signUp failed: ${JSON.stringify(r.errors)}`);
  return { id: r.data.signUp.viewer.user.objectId, token: r.data.signUp.viewer.sessionToken };
}

/** The first error's code and message, or undefined. */
export function failure(r: GraphQLResponse): { code: number | undefined; message: string } | undefined {
  const e = r.errors?.[0];
  return e && { code: e.extensions?.code, message: e.message };
}

/** Waits for a condition (polling every 10 ms), failing after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const globalId = (className: string, objectId: string) => Buffer.from(`${className}:${objectId}`).toString('base64');

/** A subscription over Server-Sent Events through the front door; `received` fills with the `next` payloads. */
export async function sse(s: TestServer, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<SseStream> {
  const response = await s.plinth.fetch(
    new Request('http://plinth.test/graphql', {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers },
      body: JSON.stringify({ query, variables }),
    }),
  );
  if (response.headers.get('content-type')?.includes('text/event-stream')) return readSse(response);
  // A refusal: its JSON is the one payload, and the stream has ended.
  const body = await response.json().catch(() => null);
  return { response, received: [body], isEnded: () => true, close: () => undefined };
}

/** Event subscribers of a class in the server's hub (LiveHub's index; isInterested() is its public side). */
export function hubSubscribers(s: TestServer, className: string): number {
  const hub = s.plinth.live.hub as unknown as { byClass: Map<string, { subs: Set<unknown> }> };
  return hub.byClass.get(className)?.subs.size ?? 0;
}
