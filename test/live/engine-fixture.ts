import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { sessionResolver } from '../../src/auth/index.ts';
import { parseWhere, type Condition } from '../../src/query/index.ts';
import { Auth } from '../../src/security/index.ts';
import { LiveHub, MemoryBus, MemoryPubSub, publishChanges, publishSessionsEnded, type LiveEvent, type LiveEventKind } from '../../src/live/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ParseError } from '../../src/errors/index.ts';

/**
 * A test server with a live hub over its core: core's change events go out on an in-memory
 * pub/sub (every class published, as with several instances) and come back to the hub, as in
 * the server. Subscriptions are read by probes that collect their events.
 */
export interface LiveFixture {
  s: TestServer;
  hub: LiveHub;
  /** A user with a session; `auth` is what a request with its token resolves to. */
  user(name: string, fields?: Record<string, unknown>): Promise<LiveUser>;
  /** Resolves a session token as a request would (user, roles, session). */
  authOf(token: string): Promise<Auth>;
  /** A GraphQL-form where over a class. */
  where(className: string, input?: Record<string, unknown>): Condition;
  subscribe(auth: Auth, className: string, opts?: { where?: Record<string, unknown>; events?: LiveEventKind[]; fields?: string[] }, hub?: LiveHub): Probe;
  /** Another hub on the same bus and database: a second instance, as far as live queries go. */
  otherInstance(options?: { maxQueue?: number }): Promise<LiveHub>;
  close(): Promise<void>;
}

export interface LiveUser {
  userId: string;
  token: string;
  auth: Auth;
}

export const PASSWORD = 'correct-horse-battery';

/** Reads a subscription in the background and keeps what it yields, or the error it ended with. */
export class Probe {
  readonly events: LiveEvent[] = [];
  error: unknown;
  done = false;
  private readonly loop: Promise<void>;

  constructor(readonly iterator: AsyncIterableIterator<LiveEvent>) {
    this.loop = (async () => {
      try {
        for await (const e of iterator) this.events.push(e);
      } catch (error) {
        this.error = error;
      } finally {
        this.done = true;
      }
    })();
  }

  /** The kinds received so far, in order. */
  get kinds(): LiveEventKind[] {
    return this.events.map((e) => e.event);
  }

  /** Waits (polling, with a deadline) until `count` events have arrived. */
  async waitFor(count: number, timeoutMs = 5000): Promise<LiveEvent[]> {
    await until(
      () => this.events.length >= count || this.done,
      timeoutMs,
      () => `expected ${count} events, got ${JSON.stringify(this.kinds)}`,
    );
    return this.events;
  }

  /** Waits until the subscription ended with an error and returns its Parse code. */
  async endedWith(timeoutMs = 5000): Promise<number | undefined> {
    await until(
      () => this.done,
      timeoutMs,
      () => `subscription still open after ${timeoutMs} ms (events ${JSON.stringify(this.kinds)})`,
    );
    return this.error instanceof ParseError ? this.error.code : undefined;
  }

  async stop(): Promise<void> {
    await this.iterator.return?.();
    await this.loop;
  }
}

/** Polls `ok` until it holds; fails the test with `why()` at the deadline. */
export async function until(ok: () => boolean, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) expect.fail(why());
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Lets every probe pull what the hub has queued. The hub decides a change for all subscribers
 * of its class at once, so once a master probe (which sees everything) has a change, every
 * other probe's events for it are queued; one macrotask later they have read them.
 */
export async function settle(witness: Probe, count: number): Promise<void> {
  await witness.waitFor(count);
  await new Promise((r) => setImmediate(r));
}

export async function startLiveFixture(): Promise<LiveFixture> {
  const s = await startTestServer({ schemaPollMs: 3_600_000 });
  const { plinth } = s;
  const appId = 'engine-' + randomUUID();
  const bus = new MemoryBus();
  const pubsub = new MemoryPubSub(bus);
  const newHub = (p: MemoryPubSub, maxQueue?: number) =>
    new LiveHub({ pubsub: p, appId, schema: plinth.schemaStore, roles: plinth.roles, sessions: plinth.sessions, logger: plinth.logger, maxQueue });
  const hub = newHub(pubsub);
  await hub.start();
  const others: { hub: LiveHub; pubsub: MemoryPubSub }[] = [];
  const stopChanges = publishChanges(plinth.events, pubsub, appId, { logger: plinth.logger });
  const stopSessions = publishSessionsEnded(plinth.sessions, pubsub, appId, plinth.logger);
  const resolver = sessionResolver(plinth.sessions, plinth.roles);
  const probes: Probe[] = [];
  const authOf = async (token: string) => {
    const auth = await resolver.resolve(token);
    if (!auth) throw new Error('unknown session token');
    return auth;
  };
  const where = (className: string, input: Record<string, unknown> = {}) => {
    const cls = plinth.schemaStore.current.classes.get(className);
    if (!cls) throw new Error(`no class ${className}`);
    return parseWhere(input, cls, { classes: plinth.schemaStore.current.classes });
  };
  return {
    s,
    hub,
    authOf,
    where,
    async user(name, fields = {}) {
      const created = await plinth.core.create(Auth.master(), '_User', { username: name, password: PASSWORD, ...fields });
      const { token } = await plinth.sessions.create(created.objectId, { action: 'login' });
      return { userId: created.objectId, token, auth: await authOf(token) };
    },
    async otherInstance(options = {}) {
      const other = { pubsub: new MemoryPubSub(bus), hub: undefined as unknown as LiveHub };
      other.hub = newHub(other.pubsub, options.maxQueue);
      await other.hub.start();
      others.push(other);
      return other.hub;
    },
    subscribe(auth, className, opts = {}, on = hub) {
      const iterator = on.subscribe({ auth, className, where: where(className, opts.where), events: opts.events, fields: opts.fields ?? [] });
      const probe = new Probe(iterator);
      probes.push(probe);
      return probe;
    },
    async close() {
      await Promise.all(probes.map((p) => p.stop()));
      stopChanges();
      stopSessions();
      for (const o of [...others, { hub, pubsub }]) {
        await o.hub.close();
        await o.pubsub.close();
      }
      await s.close();
    },
  };
}
