import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createPlinth, type CreateOptions, type Plinth } from '../../src/server/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { APP_ID, MASTER_KEY } from '../helpers/server.ts';

export { APP_ID, MASTER_KEY };

export interface Answer {
  status: number;
  body: any;
  text: string;
  data?: any;
  errors?: { message: string; extensions?: { code?: number } }[];
}

export interface SendOptions {
  /** Sent as X-Parse-Session-Token. */
  token?: string;
  /** Sent as `Authorization: Bearer …`. */
  bearer?: string;
  master?: boolean;
  /** The client address the server sees (as node:http would report it); absent: in-process. */
  ip?: string;
  headers?: Record<string, string>;
}

export interface AuthServer {
  plinth: Plinth;
  database: TestDatabase;
  /** Every log line, as written (pino JSON), at level trace. */
  logText(): string;
  logs: Record<string, any>[];
  gql(query: string, variables?: Record<string, unknown>, options?: SendOptions): Promise<Answer>;
  /** Like gql, but fails on any error and returns `data`. */
  ok(query: string, variables?: Record<string, unknown>, options?: SendOptions): Promise<any>;
  close(): Promise<void>;
}

/**
 * A Plinth on a fresh database (PGlite or PostgreSQL, as the project says) whose logger records
 * everything at level trace, with requests sent through the front door. `ip` makes a request
 * look as if node:http had accepted it from that address (the server context Yoga receives).
 * Rate limits are off unless a test sets them: other tests must not trip over them.
 */
export async function startAuthServer(overrides: ConfigInput = {}, options: Omit<CreateOptions, 'db' | 'logger'> = {}): Promise<AuthServer> {
  const logs: Record<string, any>[] = [];
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        logs.push(JSON.parse(line));
      }
      done();
    },
  });
  const database = await createTestDatabase();
  const auth = { rateLimits: { perIpPerMinute: 0, perAccountPerMinute: 0 }, ...overrides.auth };
  const config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'trace', ...overrides, auth });
  const plinth = await createPlinth(config, { ...options, db: database.db, logger: createLogger('trace', sink) });
  const gql = async (query: string, variables?: Record<string, unknown>, o: SendOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...o.headers };
    if (o.token !== undefined) headers['x-parse-session-token'] = o.token;
    if (o.bearer !== undefined) headers.authorization = `Bearer ${o.bearer}`;
    if (o.master) headers['x-parse-master-key'] = MASTER_KEY;
    const request = new Request('http://plinth.test/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const res = o.ip === undefined ? await plinth.fetch(request) : await plinth.graphql.fetch(request, { req: { socket: { remoteAddress: o.ip } } });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, text, data: body?.data ?? undefined, errors: body?.errors };
  };
  return {
    plinth,
    database,
    logs,
    logText: () => lines.join('\n'),
    gql,
    async ok(query, variables, o) {
      const r = await gql(query, variables, o);
      if (r.status !== 200 || r.errors?.length) throw new Error(`GraphQL request failed (${r.status}): ${r.text}`);
      return r.data;
    },
    async close() {
      await plinth.close();
      if (database.kind === 'postgres') await database.drop();
    },
  };
}

/** Expects one GraphQL error with this Parse code (and message, when given). */
export function expectCode(r: Answer, code: number, message?: string | RegExp): void {
  expect(r.status, r.text).toBe(200);
  expect(r.errors, r.text).toHaveLength(1);
  expect(r.errors![0].extensions?.code, r.text).toBe(code);
  if (typeof message === 'string') expect(r.errors![0].message).toBe(message);
  else if (message) expect(r.errors![0].message).toMatch(message);
}

export const SIGN_UP = `mutation($fields: CreateUserFieldsInput) {
  signUp(input: { fields: $fields, clientMutationId: "s1" }) { clientMutationId viewer { sessionToken user { id objectId username email emailVerified } } }
}`;

export const LOG_IN = `mutation($username: String!, $password: String!) {
  logIn(input: { username: $username, password: $password }) { viewer { sessionToken user { objectId username } } }
}`;

export const VIEWER = `{ viewer { sessionToken user { objectId username } } }`;

/** Signs a user up through the API; returns the token and the user's objectId. */
export async function signUpUser(
  s: AuthServer,
  username: string,
  password: string,
  extra: Record<string, unknown> = {},
): Promise<{ token: string; userId: string }> {
  const d = await s.ok(SIGN_UP, { fields: { username, password, ...extra } });
  return { token: d.signUp.viewer.sessionToken, userId: d.signUp.viewer.user.objectId };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
