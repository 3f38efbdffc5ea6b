import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { createLogger } from '../../src/config/logger.ts';
import type { CloudSetup } from '../../src/cloud/types.ts';
import type { Database } from '../../src/db/index.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { listen, type RunningServer } from '../../src/server/http.ts';
import type { AdminRole, StoredScope } from '../../src/admin/types.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { CHROMIUM } from './global-setup.ts';

// The browser suite's harness: a real Plinth on in-memory PGlite listening on a random port in
// the test process, Debian's chromium driven by playwright-core, dashboard users of every role
// made through the accounts module, and logins through the UI (one browser context per role per
// file). Every test reads the page and then the database.

export const APP_ID = 'browser-app';
export const MASTER_KEY = 'browser-master-key-5f0c9a7e31d4b2';
export const PASSWORD: Record<AdminRole, string> = {
  OWNER: 'owner-pass-Zq81!xv',
  ADMIN: 'admin-pass-Kw27!mt',
  READ_ONLY: 'reader-pass-Hy64!pd',
  SCOPED: 'scoped-pass-Nb39!qc',
};
export const EMAIL: Record<AdminRole, string> = {
  OWNER: 'owner@example.test',
  ADMIN: 'admin@example.test',
  READ_ONLY: 'reader@example.test',
  SCOPED: 'scoped@example.test',
};

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface ScopeInput {
  classes: { className: string; fields?: string[]; write: boolean }[];
  features: string[];
}

export interface Dashboard {
  plinth: Plinth;
  db: Database;
  running: RunningServer;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The server's log lines so far (JSON, as pino writes them). */
  logs: LogLine[];
  /** The public GraphQL API as the master key (fails the test on errors). */
  master<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The public GraphQL API with these headers (the app id is added); the whole answer. */
  api(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** SQL against the server's database. */
  sql<T extends Record<string, unknown> = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Makes a dashboard user through the accounts module. */
  createAdmin(role: AdminRole, options?: { email?: string; password?: string; scope?: ScopeInput }): Promise<{ id: string; email: string; password: string }>;
  stop(): Promise<void>;
}

export interface DashboardOptions {
  cloud?: CloudSetup;
  config?: ConfigInput;
}

/** A loopback port free right now. */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts Plinth on a fresh in-memory PGlite, listening on a random loopback port. */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const database = await createTestDatabase('pglite');
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  // The port is chosen first so that PLINTH_PUBLIC_URL is the address the browser uses (file
  // URLs, the setup link and the Origin checks all derive from it).
  const port = await freePort();
  const config = loadConfig(
    {},
    {
      appId: APP_ID,
      masterKey: MASTER_KEY,
      publicUrl: `http://127.0.0.1:${port}`,
      dataDir: '/tmp/plinth-browser-unused',
      logLevel: 'info',
      ...options.config,
      // Every test logs in from 127.0.0.1: the per-address login limit would refuse the suite.
      dashboard: { loginRate: { perIpPerMinute: 10_000, perAccountPerMinute: 1_000 }, ...options.config?.dashboard },
    },
  );
  const plinth = await createPlinth(config, { db: database.db, cloudSetup: options.cloud, logger: createLogger('info', sink) });
  const running = await listen(plinth, port, '127.0.0.1');
  const origin = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  const api: Dashboard['api'] = async (query, variables, headers = {}) => {
    const res = await fetch(`${origin}${config.graphqlPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, body };
  };
  return {
    plinth,
    db: database.db,
    running,
    origin,
    logs,
    api,
    async master(query, variables) {
      const { status, body } = await api(query, variables, { 'x-parse-master-key': MASTER_KEY });
      if (status !== 200 || body?.errors) throw new Error(`GraphQL request failed (${status}): ${JSON.stringify(body)}`);
      return body.data;
    },
    sql: (text, params) => database.db.query(text, params) as any,
    createAdmin: (role, opts = {}) => createAdmin(plinth, role, opts),
    async stop() {
      await running.stop(1000);
    },
  };
}

/** A dashboard user made through the server's accounts module (plinth.admin.accounts). */
async function createAdmin(plinth: Plinth, role: AdminRole, opts: { email?: string; password?: string; scope?: ScopeInput }) {
  const email = opts.email ?? EMAIL[role];
  const password = opts.password ?? PASSWORD[role];
  const user = await plinth.admin.accounts.users.create({ email, password, role, scope: (opts.scope as StoredScope | undefined) ?? null });
  return { id: user.id, email, password };
}

// ---------------------------------------------------------------------------------------------
// The browser: one chromium per test file, a context per role.

let browser: Browser | undefined;

export async function launchBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

export interface Viewer {
  context: BrowserContext;
  page: Page;
  /** Console messages and page errors seen so far (CSP violations show here). */
  console: string[];
  errors: string[];
  /** WebSockets the page opened, and whether each has closed. */
  sockets: { url: string; closed: boolean }[];
}

/** A fresh context and page on the dashboard (not logged in), at 1280×800. */
export async function openPage(dash: Dashboard, options: { colorScheme?: 'light' | 'dark'; path?: string } = {}): Promise<Viewer> {
  const context = await (await launchBrowser()).newContext({
    baseURL: dash.origin,
    viewport: { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const viewer: Viewer = { context, page, console: [], errors: [], sockets: [] };
  page.on('console', (m) => viewer.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => viewer.errors.push(String(e)));
  page.on('websocket', (ws) => {
    const socket = { url: ws.url(), closed: false };
    viewer.sockets.push(socket);
    ws.on('close', () => (socket.closed = true));
  });
  if (options.path !== undefined) await page.goto(options.path);
  return viewer;
}

/** Fills the login form and submits it (does not wait for the result). */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** The element that shows a signed-in dashboard (the shell's user menu). */
export function shell(page: Page) {
  return page.getByTestId('user-menu');
}

/** Logs in through the UI at /dashboard/ and waits for the shell. */
export async function loginThroughUi(dash: Dashboard, email: string, password: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Viewer> {
  const viewer = await openPage(dash, { ...options, path: '/dashboard/' });
  await submitLogin(viewer.page, email, password);
  await shell(viewer.page).waitFor();
  return viewer;
}

/**
 * One logged-in context per role and dashboard, made on first use (users are created through
 * the accounts module the first time). `scope` applies to SCOPED.
 */
export function roleSessions(dash: () => Dashboard, scope?: ScopeInput) {
  const made = new Map<AdminRole, Promise<Viewer>>();
  const users = new Map<AdminRole, Promise<{ id: string; email: string; password: string }>>();
  const user = (role: AdminRole) => {
    let u = users.get(role);
    if (!u) users.set(role, (u = dash().createAdmin(role, role === 'SCOPED' ? { scope } : {})));
    return u;
  };
  return {
    user,
    as(role: AdminRole): Promise<Viewer> {
      let v = made.get(role);
      if (!v) {
        v = user(role).then((u) => loginThroughUi(dash(), u.email, u.password));
        made.set(role, v);
      }
      return v;
    },
    async close() {
      for (const v of made.values()) await (await v.catch(() => undefined))?.context.close();
      made.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Traffic and storage, for the secret checks.

export interface Traffic {
  /** Every URL, header and body the page sent or received, and WebSocket frames, as text. */
  texts: string[];
  /** Waits for pending response bodies to be read. */
  settle(): Promise<void>;
}

/** Headers the browser adds or consumes itself, which the page's script never sees. */
const BROWSER_ONLY = new Set(['cookie', 'set-cookie']);
const visibleHeaders = (headers: Record<string, string>) => JSON.stringify(Object.entries(headers).filter(([name]) => !BROWSER_ONLY.has(name.toLowerCase())));

/**
 * Records what the page sends and receives: URLs, headers (but Cookie / Set-Cookie, which only
 * the browser handles) and bodies, and WebSocket frames.
 */
export function recordTraffic(page: Page): Traffic {
  const texts: string[] = [];
  const pending: Promise<unknown>[] = [];
  page.on('request', (req) => {
    texts.push(`${req.method()} ${req.url()}`);
    pending.push(
      req
        .allHeaders()
        .then((h) => texts.push(visibleHeaders(h)))
        .catch(() => undefined),
    );
    const body = req.postData();
    if (body) texts.push(body);
  });
  page.on('response', (res) => {
    pending.push(
      res
        .allHeaders()
        .then((h) => texts.push(visibleHeaders(h)))
        .catch(() => undefined),
    );
    pending.push(
      res
        .body()
        .then((b) => texts.push(b.toString('utf8')))
        .catch(() => undefined),
    );
  });
  page.on('websocket', (ws) => {
    texts.push(`WS ${ws.url()}`);
    ws.on('framesent', (f) => texts.push(String(f.payload)));
    ws.on('framereceived', (f) => texts.push(String(f.payload)));
  });
  return {
    texts,
    async settle() {
      // A long-lived response (an event stream) never ends: its body is left out after a while.
      const deadline = new Promise((r) => setTimeout(r, 3000));
      while (pending.length) if ((await Promise.race([Promise.allSettled(pending.splice(0)), deadline.then(() => 'late')])) === 'late') break;
    },
  };
}

/** Everything the page keeps: HTML, document.cookie, local/session storage and every IndexedDB record. */
export async function pageStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts: string[] = [document.documentElement.outerHTML, document.cookie];
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i++) {
        const key = store.key(i)!;
        parts.push(key, store.getItem(key) ?? '');
      }
    }
    const dbs = (await indexedDB.databases?.()) ?? [];
    for (const info of dbs) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name!);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        parts.push(name, JSON.stringify(all));
      }
      db.close();
    }
    return parts.join('\n');
  });
}

// ---------------------------------------------------------------------------------------------
// A second origin, for CSRF and cross-site WebSocket checks.

export interface OtherOrigin {
  origin: string;
  /** Serves this HTML at `path` on the other origin. */
  serve(path: string, html: string): void;
  close(): Promise<void>;
}

/** An HTTP server on another port (another origin, same site) serving test pages. */
export async function otherOrigin(): Promise<OtherOrigin> {
  const pages = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (html === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve: (path, html) => pages.set(path, html),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Falsy = undefined | null | false | '' | 0;

/** Waits until an element's text matches (a locator's textContent() reads once, without waiting for a change). */
export async function textMatching(locator: Locator, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  let last = '';
  try {
    return await until(async () => {
      last = (await locator.textContent()) ?? '';
      return pattern.test(last) ? last : undefined;
    }, timeoutMs);
  } catch {
    throw new Error(`expected the text to match ${pattern}, last seen: ${JSON.stringify(last)}`);
  }
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function until<T>(check: () => Promise<T | Falsy> | T | Falsy, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
