import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, MASTER_KEY } from '../helpers/server.ts';
import { LqSocket, startLiveQueryServer, type LiveQueryTestServer } from './live-query-socket.ts';

// LiveQuery's place on the HTTP server (the REST mount's upgrades, beside graphql-ws) and the
// limits it shares with graphql-ws (config.live): subscriptions per connection, connections
// per address, keep-alive pings; and Parse's client keys, when configured.

let s: LiveQueryTestServer;
/** The JavaScript key this server is configured with: every connect without the master key needs it. */
const KEY = { javascriptKey: 'js-key-1' };

beforeAll(async () => {
  s = await startLiveQueryServer({
    live: { maxSubscriptionsPerConnection: 2, maxConnectionsPerIp: 3, keepAliveMs: 1000 },
    rest: { clientKeys: { javascriptKey: KEY.javascriptKey } },
  });
  expect((await s.rest('POST', 'schemas/Item', { master: true, body: { className: 'Item', fields: { name: { type: 'String' } } } })).status).toBe(200);
});
afterAll(() => s?.close());

/** Whether an upgrade to this path is refused before any WebSocket opens (the HTTP status). */
function refusedStatus(path: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(s.wsUrl.replace(/\/parse$/, path));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.once('open', () => {
      ws.close();
      resolve(undefined);
    });
    ws.once('error', () => undefined);
  });
}

describe('LiveQuery routing', () => {
  it('serves the REST mount (with a trailing slash or a query), leaves other paths to graphql-ws', async () => {
    for (const path of ['/parse/', '/parse?v=1']) {
      const lq = await LqSocket.open(s.wsUrl.replace(/\/parse$/, path));
      expect((await lq.connect(KEY)).op).toBe('connected');
      lq.close();
      await lq.closed();
    }
    expect(await refusedStatus('/parse/classes')).toBe(404);
    const gql = new WebSocket(s.wsUrl.replace(/\/parse$/, '/graphql'), 'graphql-transport-ws');
    const ack = await new Promise<unknown>((resolve, reject) => {
      gql.once('open', () => gql.send(JSON.stringify({ type: 'connection_init', payload: { applicationId: APP_ID } })));
      gql.once('message', (data) => resolve(JSON.parse(String(data))));
      gql.once('error', reject);
    });
    expect(ack).toEqual({ type: 'connection_ack' });
    gql.close();
  });
});

describe('LiveQuery client keys', () => {
  it('refuses a connect without a configured key (4), lets one with it or with the master key in', async () => {
    for (const fields of [{}, { javascriptKey: 'wrong' }]) {
      const lq = await s.socket();
      expect(await lq.connect(fields)).toMatchObject({ op: 'error', code: 4, error: 'Key in request is not valid', reconnect: false });
      expect((await lq.closed()).code).toBe(4403);
    }
    for (const fields of [KEY, { restAPIKey: KEY.javascriptKey }, { masterKey: MASTER_KEY }]) {
      const lq = await s.socket();
      expect((await lq.connect(fields)).op).toBe('connected');
      lq.close();
      await lq.closed();
    }
  });
});

describe('LiveQuery limits', () => {
  it('refuses a subscription over maxSubscriptionsPerConnection (155); replacing one is not a new one', async () => {
    const lq = await s.socket();
    await lq.connect(KEY);
    expect((await lq.subscribe(1, { className: 'Item' })).op).toBe('subscribed');
    expect((await lq.subscribe(2, { className: 'Item' })).op).toBe('subscribed');
    expect(await lq.subscribe(3, { className: 'Item' })).toMatchObject({ op: 'error', code: 155, requestId: 3, reconnect: false });
    expect((await lq.subscribe(2, { className: 'Item', where: { name: 'x' } }, {}, 'update')).op).toBe('subscribed');
    expect(s.plinth.live.hub.subscriptionCount).toBe(2);
    lq.close();
    await lq.closed();
  });

  it('refuses a connection over maxConnectionsPerIp: told (155), then closed with 4429', async () => {
    const open = [await s.socket(), await s.socket(), await s.socket()];
    const extra = await s.socket();
    expect(await extra.next()).toMatchObject({ op: 'error', code: 155, reconnect: false });
    expect((await extra.closed()).code).toBe(4429);
    for (const lq of open) lq.close();
    await Promise.all(open.map((lq) => lq.closed()));
    const again = await s.socket();
    expect((await again.connect(KEY)).op).toBe('connected');
    again.close();
    await again.closed();
  });

  it('shares the per-address budget with graphql-ws: two LiveQuery sockets and one graphql-ws socket fill it', async () => {
    const lq = [await s.socket(), await s.socket()];
    const graphqlWs = new WebSocket(s.wsUrl.replace(/\/parse$/, '/graphql'), 'graphql-transport-ws');
    await new Promise((resolve) => graphqlWs.once('open', resolve));
    const extra = await s.socket();
    expect(await extra.next()).toMatchObject({ op: 'error', code: 155 });
    expect((await extra.closed()).code).toBe(4429);
    // And the other way round: graphql-ws is refused (4429) while LiveQuery holds the rest.
    const graphqlClosed = new Promise<number>((resolve) => graphqlWs.once('close', (code) => resolve(code)));
    graphqlWs.close();
    await graphqlClosed;
    const third = await s.socket();
    const refusedWs = new WebSocket(s.wsUrl.replace(/\/parse$/, '/graphql'), 'graphql-transport-ws');
    expect(await new Promise<number>((resolve) => refusedWs.once('close', (code) => resolve(code)))).toBe(4429);
    for (const socket of [...lq, third]) socket.close();
    await Promise.all([...lq, third].map((socket) => socket.closed()));
  });

  it('pings idle connections and cuts one that does not answer', async () => {
    const answering = await s.socket();
    await answering.connect(KEY);
    const silent = new WebSocket(s.wsUrl, { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
    await new Promise((resolve) => silent.once('open', resolve));
    // Cut (1006: no close frame) within two periods; the answering one stays.
    expect(await closed).toBe(1006);
    expect(answering.closedWith).toBeUndefined();
    answering.close();
  });

  it('closes LiveQuery connections with 1001 when the server stops', async () => {
    const lq = await s.socket();
    await lq.connect(KEY);
    await lq.subscribe(1, { className: 'Item' });
    await s.running.stop(1000);
    expect((await lq.closed()).code).toBe(1001);
  });
});
