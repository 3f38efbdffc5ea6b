import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Parse from 'parse/node';
import type { MailAdapter } from '../../../src/auth/index.ts';
import type { CloudSetup } from '../../../src/cloud/types.ts';
import { loadConfig, type ConfigInput } from '../../../src/config/index.ts';
import { createPlinth, type Plinth } from '../../../src/server/app.ts';
import { listen, type RunningServer } from '../../../src/server/http.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

/*
 * Plinth on a real listening port with Parse's JavaScript SDK (`parse/node`, v8) pointed at it:
 * the client every app on Parse ships. Each test file starts its own server on its own database.
 */

export const APP_ID = 'sdk-e2e';
export const MASTER_KEY = 'sdk-e2e-master-key-0123456789';

export interface SdkServer {
  plinth: Plinth;
  running: RunningServer;
  database: TestDatabase;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The SDK's serverURL: `<origin>/parse`. */
  serverURL: string;
  /** The LiveQuery URL the SDK derives from it: `ws://…/parse`. */
  liveQueryURL: string;
  /** One GraphQL request with the application id (and the master key unless `asMaster` is false). */
  graphql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    opts?: { asMaster?: boolean; sessionToken?: string },
  ): Promise<{ data?: T; errors?: any[] }>;
  close(): Promise<void>;
}

export interface SdkServerOptions {
  cloud?: CloudSetup;
  mail?: MailAdapter;
}

/** A port free now on the loopback (the server's public URL must name it before it listens: file URLs carry it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts Plinth on its own database and points the SDK (its global state) at it. */
export async function startSdkServer(overrides: ConfigInput = {}, options: SdkServerOptions = {}): Promise<SdkServer> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'plinth-sdk-'));
  let running: RunningServer | undefined;
  let plinth: Plinth | undefined;
  // A port taken between the probe and the listen (another helper's test) is tried again.
  for (let attempt = 0; !running; attempt++) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const config = loadConfig(
      {},
      { appId: APP_ID, masterKey: MASTER_KEY, dataDir, logLevel: 'silent', publicUrl: origin, port, host: '127.0.0.1', ...overrides },
    );
    plinth = await createPlinth(config, { db: database.db, mail: options.mail, cloudSetup: options.cloud });
    try {
      running = await listen(plinth, port, '127.0.0.1');
    } catch (error) {
      if (attempt >= 3) throw error;
      await plinth.close();
    }
  }
  const server = running;
  const origin = `http://127.0.0.1:${(server.server.address() as net.AddressInfo).port}`;
  const serverURL = `${origin}${plinth!.config.rest.path}`;
  const liveQueryURL = serverURL.replace(/^http/, 'ws');
  // Node's build takes the master key in initialize (its typings declare the browser's two arguments).
  const sdk = Parse as unknown as { initialize(appId: string, jsKey: string | undefined, masterKey: string): void; liveQueryServerURL: string };
  sdk.initialize(APP_ID, undefined, MASTER_KEY);
  sdk.liveQueryServerURL = liveQueryURL;
  Parse.serverURL = serverURL;
  // One attempt: a refused request fails the test at once instead of retrying for seconds.
  Parse.CoreManager.set('REQUEST_ATTEMPT_LIMIT', 1);
  return {
    plinth: plinth!,
    running: server,
    database,
    origin,
    serverURL,
    liveQueryURL,
    async graphql(query, variables, opts = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-parse-application-id': APP_ID };
      if (opts.asMaster !== false) headers['x-parse-master-key'] = MASTER_KEY;
      if (opts.sessionToken) headers['x-parse-session-token'] = opts.sessionToken;
      const res = await fetch(`${origin}${plinth!.config.graphqlPath}`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data?: any; errors?: any[] };
    },
    async close() {
      await Parse.User.logOut().catch(() => undefined);
      await server.stop(1000);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `{ useMasterKey: true }`, the option most setup writes use. */
export const master = { useMasterKey: true } as const;

/**
 * Saves objects of a class one by one with the master key (creating the class and its fields),
 * and returns them. One by one: setup does not lean on the batch endpoint, which has its own tests.
 */
export async function seed(className: string, rows: Record<string, unknown>[]): Promise<Parse.Object[]> {
  const objects: Parse.Object[] = [];
  for (const row of rows) {
    const o = new Parse.Object(className);
    o.set(row);
    objects.push(await o.save(null, master));
  }
  return objects;
}

/** An object of a class known only by its id (the SDK's `createWithoutData`, which is per subclass). */
export function ref(className: string, objectId: string): Parse.Object {
  const o = new Parse.Object(className);
  o.id = objectId;
  return o;
}

/** Polls until `check` passes or `timeoutMs` has passed (live events and jobs arrive asynchronously). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * A sign-up of a fresh user. In Node the SDK keeps no current user (unless
 * `Parse.User.enableUnsafeCurrentUser()`): requests as the user pass `as(user)`.
 */
export async function signUp(username: string, password = 'pw-123456', extra: Record<string, unknown> = {}): Promise<Parse.User> {
  const user = new Parse.User();
  user.set({ username, password, ...extra });
  return user.signUp();
}

/** Request options acting as a signed-in user (its session token). */
export function as(user: Parse.User): { sessionToken: string } {
  const sessionToken = user.getSessionToken();
  if (!sessionToken) throw new Error(`user ${user.id} has no session token`);
  return { sessionToken };
}

export { Parse };
