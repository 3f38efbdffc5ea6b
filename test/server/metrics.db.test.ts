import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { listen, type RunningServer } from '../../src/server/http.ts';
import type { CloudSetup } from '../../src/cloud/types.ts';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { testDbKind } from '../helpers/database.ts';
import { stream, until } from '../live/ws-server.ts';

// API.md: `/metrics` in Prometheus's text format, opt-in (PLINTH_METRICS), behind a bearer token
// when PLINTH_METRICS_TOKEN is set.

const cloud: CloudSetup = (c) => {
  c.define('hello', () => 'hi');
  c.define('fails', () => {
    throw new Error('no');
  });
  c.beforeSave('Note', () => undefined);
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ops: { metrics: true } }, { cloud });
  await server.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { clientMutationId } }`);
});
afterAll(() => server?.close());

async function scrape(target: TestServer = server, headers: Record<string, string> = {}) {
  const response = await target.plinth.fetch(new Request('http://plinth.test/metrics', { headers }));
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The value of one sample: `name{labels}` with exactly these labels; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** How much each sample grew while `work` ran. */
async function growth(work: () => Promise<unknown>, ...samples: [string, Record<string, string>?][]) {
  const before = (await scrape()).text;
  await work();
  const after = (await scrape()).text;
  return samples.map(([name, labels]) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0));
}

describe('GET /metrics', () => {
  it('serves Prometheus text without credentials (a scraper has no app id)', async () => {
    const r = await scrape();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.text).toContain('# TYPE plinth_graphql_requests_total counter');
    expect(r.text).toContain('# TYPE plinth_graphql_request_duration_seconds histogram');
    // The process's own (CPU, memory, event loop), as every Node dashboard expects.
    expect(sample(r.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts and times operations by kind', async () => {
    const [queries, mutations, timedQueries] = await growth(
      async () => {
        await server.anon('{ health }');
        await server.anon('{ notes { count } }');
        await server.anon(`mutation { createNote(input: { fields: { text: "x" } }) { note { objectId } } }`);
      },
      ['plinth_graphql_requests_total', { operation: 'query' }],
      ['plinth_graphql_requests_total', { operation: 'mutation' }],
      ['plinth_graphql_request_duration_seconds_count', { operation: 'query' }],
    );
    expect({ queries, mutations, timedQueries }).toEqual({ queries: 2, mutations: 1, timedQueries: 2 });
  });

  it('counts errors by the code clients see, documents refused before execution included', async () => {
    const counts = await growth(
      async () => {
        await server.anon(`{ note(id: "missing") { objectId } }`);
        await server.anon(`{ classes { name } }`);
        await server.anon('{ nope }');
        await server.anon('{ nope }');
        await server.anon('{');
      },
      ['plinth_graphql_errors_total', { operation: 'query', code: '101' }],
      ['plinth_graphql_errors_total', { operation: 'query', code: '119' }],
      ['plinth_graphql_errors_total', { operation: 'query', code: 'GRAPHQL_VALIDATION_FAILED' }],
      ['plinth_graphql_errors_total', { operation: 'unknown', code: 'GRAPHQL_PARSE_FAILED' }],
    );
    // The second `{ nope }` comes from Yoga's validation cache: it counts all the same.
    expect(counts).toEqual([1, 1, 2, 1]);
  });

  it('counts cloud function and trigger runs, their failures and durations, and what is registered', async () => {
    const [hello, fails, failures, trigger] = await growth(
      async () => {
        await server.anon(`mutation { callCloudCode(input: { functionName: hello }) { result } }`);
        await server.anon(`mutation { callCloudCode(input: { functionName: fails }) { result } }`);
        await server.anon(`mutation { createNote(input: { fields: { text: "y" } }) { note { objectId } } }`);
      },
      ['plinth_cloud_duration_seconds_count', { type: 'function', name: 'hello' }],
      ['plinth_cloud_duration_seconds_count', { type: 'function', name: 'fails' }],
      ['plinth_cloud_errors_total', { type: 'function', name: 'fails' }],
      ['plinth_cloud_duration_seconds_count', { type: 'trigger', name: 'beforeSave Note' }],
    );
    expect({ hello, fails, failures, trigger }).toEqual({ hello: 1, fails: 1, failures: 1, trigger: 1 });
    const { text } = await scrape();
    expect(sample(text, 'plinth_cloud_duration_seconds_sum', { type: 'function', name: 'hello' })).toBeGreaterThan(0);
    expect([
      sample(text, 'plinth_cloud_registered', { type: 'function' }),
      sample(text, 'plinth_cloud_registered', { type: 'trigger' }),
      sample(text, 'plinth_cloud_registered', { type: 'job' }),
    ]).toEqual([2, 1, 0]);
  });

  it('reports the catalog version and classes served', async () => {
    await server.ok(`mutation { createClass(input: { name: "Other" }) { clientMutationId } }`);
    const { text } = await scrape();
    const current = server.plinth.schemaStore.current;
    expect(sample(text, 'plinth_schema_version')).toBe(Number(current.version));
    expect(sample(text, 'plinth_schema_classes')).toBe(current.classes.size);
  });

  it('reports the PostgreSQL pool use (absent on embedded PGlite, which has no pool)', async () => {
    const { text } = await scrape();
    const max = sample(text, 'plinth_db_pool_connections', { state: 'max' });
    if (testDbKind() === 'pglite') {
      expect(max).toBeUndefined();
      return;
    }
    expect(max).toBe(4); // the test database's pool size (test/helpers/database.ts)
    const busy = sample(text, 'plinth_db_pool_connections', { state: 'busy' })!;
    const idle = sample(text, 'plinth_db_pool_connections', { state: 'idle' })!;
    expect(busy + idle).toBeGreaterThan(0);
    expect(busy + idle).toBeLessThanOrEqual(4);
    expect(sample(text, 'plinth_db_pool_waiting')).toBe(0);
  });

  it('counts live connections and subscriptions over graphql-ws while they are open', async () => {
    const running: RunningServer = await listen(server.plinth, 0, '127.0.0.1');
    const client = createClient({
      url: running.url.replace(/^http:/, 'ws:'),
      webSocketImpl: WebSocket,
      connectionParams: { applicationId: APP_ID },
      retryAttempts: 0,
      lazy: true,
    });
    try {
      const gauges = async () => {
        const { text } = await scrape();
        return {
          connections: sample(text, 'plinth_live_connections', { transport: 'ws' }),
          subscriptions: sample(text, 'plinth_live_subscriptions', { transport: 'ws' }),
        };
      };
      const before = (await scrape()).text;
      const live = stream(client, 'subscription { notes(first: 1) { count } }');
      await live.next(1);
      expect(await gauges()).toEqual({ connections: 1, subscriptions: 1 });
      expect(
        sample((await scrape()).text, 'plinth_graphql_requests_total', { operation: 'subscription' })! -
          (sample(before, 'plinth_graphql_requests_total', { operation: 'subscription' }) ?? 0),
      ).toBe(1);
      live.stop();
      await until(async () => (await gauges()).subscriptions === 0, 5000, 'the subscription to end');
      await client.dispose();
      await until(async () => (await gauges()).connections === 0, 5000, 'the connection to close');
    } finally {
      await client.dispose();
      // The listening socket only: the Plinth itself is closed by afterAll.
      await new Promise<void>((resolve) => running.server.close(() => resolve()));
      await running.ws.close(100);
    }
  });

  it('counts a server-sent events stream as a live connection while it is open', async () => {
    const response = await server.plinth.fetch(
      new Request('http://plinth.test/graphql', {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'x-parse-application-id': APP_ID },
        body: JSON.stringify({ query: 'subscription { notes(first: 1) { count } }' }),
      }),
    );
    const reader = response.body!.getReader();
    const sse = async () => {
      const { text } = await scrape();
      return [sample(text, 'plinth_live_connections', { transport: 'sse' }), sample(text, 'plinth_live_subscriptions', { transport: 'sse' })];
    };
    for (let seen = ''; !seen.includes('event: next'); ) seen += new TextDecoder().decode((await reader.read()).value);
    expect(await sse()).toEqual([1, 1]);
    await reader.cancel();
    await until(async () => (await sse())[1] === 0, 5000, 'the stream to end');
  });
});

describe('GET /metrics with PLINTH_METRICS_TOKEN', () => {
  it('answers 401 without the right bearer token, and the metrics with it', async () => {
    const token = 'a-scrape-token-0123456789';
    const guarded = await startTestServer({ ops: { metrics: true, metricsToken: token } });
    try {
      const refused: Record<string, string>[] = [
        {},
        { authorization: 'Bearer wrong-token-0123456789' },
        { authorization: token },
        { authorization: `Basic ${token}` },
        { 'x-parse-master-key': MASTER_KEY },
      ];
      for (const headers of refused) {
        const r = await scrape(guarded, headers);
        expect({ headers, status: r.status }).toEqual({ headers, status: 401 });
        expect(r.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
        expect(JSON.parse(r.text)).toEqual({ error: 'unauthorized' });
      }
      const ok = await scrape(guarded, { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('plinth_graphql_requests_total');
    } finally {
      await guarded.close();
    }
  });
});

describe('without PLINTH_METRICS', () => {
  it('serves no metrics: /metrics is an unknown route', async () => {
    const plain = await startTestServer();
    try {
      expect(plain.plinth.metrics).toBeUndefined();
      const r = await scrape(plain, { 'x-parse-application-id': APP_ID });
      expect(r.status).toBe(404);
      expect(r.text).not.toContain('plinth_');
    } finally {
      await plain.close();
    }
  });
});

describe('settings', () => {
  const env = { PLINTH_MASTER_KEY: MASTER_KEY, PLINTH_DATA_DIR: '/tmp/plinth-test-unused' };
  it('PLINTH_METRICS turns metrics on (off by default); PLINTH_METRICS_TOKEN guards them', () => {
    expect(loadConfig(env).ops).toMatchObject({ metrics: false, metricsToken: undefined });
    expect(loadConfig({ ...env, PLINTH_METRICS: 'true', PLINTH_METRICS_TOKEN: 'a-scrape-token-0123456789' }).ops).toMatchObject({
      metrics: true,
      metricsToken: 'a-scrape-token-0123456789',
    });
    expect(() => loadConfig({ ...env, PLINTH_METRICS: 'maybe' })).toThrow('PLINTH_METRICS must be true or false, got "maybe"');
  });

  it('refuses a token that is short or cannot travel in a header', () => {
    expect(() => loadConfig({ ...env, PLINTH_METRICS_TOKEN: 'short' })).toThrow(/PLINTH_METRICS_TOKEN must be at least 16 printable ASCII characters/);
    expect(() => loadConfig({ ...env, PLINTH_METRICS_TOKEN: 'has spaces in the middle of it' })).toThrow(/PLINTH_METRICS_TOKEN/);
  });
});
