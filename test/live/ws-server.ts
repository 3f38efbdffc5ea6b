import WebSocket from 'ws';
import { createClient, type Client, type FormattedExecutionResult as ExecutionResult } from 'graphql-ws';
import type { ConfigInput } from '../../src/config/index.ts';
import { listen, type RunningServer } from '../../src/server/http.ts';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';

export { APP_ID, MASTER_KEY };

/** A test Plinth listening on a loopback port, for graphql-ws clients. */
export interface WsTestServer extends TestServer {
  running: RunningServer;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  /** A graphql-ws client with these connectionParams (the app id added unless given); closed with the server. */
  client(params?: Record<string, unknown>, options?: { onClosed?: (event: { code: number; reason: string }) => void }): Client;
}

export async function startWsServer(overrides: ConfigInput = {}): Promise<WsTestServer> {
  const server = await startTestServer(overrides);
  const running = await listen(server.plinth, 0, '127.0.0.1');
  const wsUrl = running.url.replace(/^http:/, 'ws:');
  const clients: Client[] = [];
  return {
    ...server,
    running,
    wsUrl,
    client(params = {}, options = {}) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { applicationId: APP_ID, ...params },
        retryAttempts: 0,
        lazy: true,
        on: { closed: (event) => options.onClosed?.(event as { code: number; reason: string }) },
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await running.stop(1000);
      if (server.database.kind === 'postgres') await server.database.drop();
    },
  };
}

/** One subscription's results as they arrive, and waits for them with a deadline. */
export interface Stream<T = any> {
  results: ExecutionResult<T, unknown>[];
  /** The error the stream ended with (graphql-ws Error message, or a close event). */
  error?: unknown;
  completed: boolean;
  /** The `count`th result (default: the one after the last taken), once it arrived (fails after `ms`). */
  next(count?: number, ms?: number): Promise<ExecutionResult<T, unknown>>;
  /** Waits until the stream ended (complete or error). */
  ended(ms?: number): Promise<void>;
  stop(): void;
}

export function stream<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Stream<T> {
  let taken = 0;
  const s: Stream<T> = {
    results: [],
    completed: false,
    async next(count = taken + 1, ms = 5000) {
      taken = Math.max(taken, count);
      await until(() => s.results.length >= count || (s.completed && s.results.length < count), ms, `${count} result(s)`);
      if (s.results.length < count) throw new Error(`stream ended after ${s.results.length} result(s): ${JSON.stringify(s.error ?? null)}`);
      return s.results[count - 1]!;
    },
    async ended(ms = 5000) {
      await until(() => s.completed, ms, 'the end of the stream');
    },
    stop: () => undefined,
  };
  s.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (r) => void s.results.push(r),
      error: (e) => {
        s.error = e;
        s.completed = true;
      },
      complete: () => {
        s.completed = true;
      },
    },
  );
  return s;
}

/** Polls `check` until it holds, failing after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Event subscribers of a class in the server's hub. The hub has no public count yet: this reads
 * its index (LiveHub.byClass); isInterested() is the public side of the same fact.
 */
export function hubSubscribers(server: TestServer, className: string): number {
  const hub = server.plinth.live.hub as unknown as { byClass: Map<string, { subs: Set<unknown> }> };
  return hub.byClass.get(className)?.subs.size ?? 0;
}
