import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import type { ConfigInput } from '../../src/config/index.ts';
import type { CloudSetup } from '../../src/cloud/types.ts';
import { listen, type RunningServer } from '../../src/server/http.ts';
import { restClient } from '../helpers/rest.ts';
import { APP_ID, startTestServer, stopRequester, type TestServer } from '../helpers/server.ts';

/** A Plinth listening on a loopback port: REST through `rest`, LiveQuery at ws://127.0.0.1:<port>/parse. */
export interface LiveQueryTestServer extends TestServer {
  running: RunningServer;
  rest: ReturnType<typeof restClient>;
  /** ws://127.0.0.1:<port>/parse */
  wsUrl: string;
  /** A raw LiveQuery socket, open (closed with the server). */
  socket(url?: string): Promise<LqSocket>;
  signUp(username: string): Promise<{ id: string; token: string }>;
}

export async function startLiveQueryServer(overrides: ConfigInput = {}, cloud?: CloudSetup): Promise<LiveQueryTestServer> {
  const server = await startTestServer(overrides, { cloud });
  const running = await listen(server.plinth, 0, '127.0.0.1');
  const { port } = running.server.address() as AddressInfo;
  const wsUrl = `ws://127.0.0.1:${port}${server.plinth.config.rest.path}`;
  const rest = restClient(server.plinth);
  const sockets: LqSocket[] = [];
  return {
    ...server,
    running,
    rest,
    wsUrl,
    async socket(url = wsUrl) {
      const s = await LqSocket.open(url);
      sockets.push(s);
      return s;
    },
    async signUp(username) {
      const r = await rest('POST', 'users', { body: { username, password: 'pw-123456' } });
      if (r.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(r.body)}`);
      return { id: r.body.objectId, token: r.body.sessionToken };
    },
    async close() {
      for (const s of sockets) s.close();
      await stopRequester(server.plinth);
      await running.stop(1000);
      if (server.database.kind === 'postgres') await server.database.drop();
    },
  };
}

/** One LiveQuery message as the server sent it. */
export type LqMessage = Record<string, any>;

/**
 * A raw WebSocket speaking Parse's LiveQuery protocol: every message received is kept, and
 * `next` waits for the next one (after those already taken) that matches.
 */
export class LqSocket {
  readonly received: LqMessage[] = [];
  closedWith?: { code: number; reason: string };
  private taken = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(String(data))));
    ws.on('close', (code, reason) => (this.closedWith = { code, reason: String(reason) }));
  }

  static open(url: string): Promise<LqSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new LqSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** The next message (after the last one taken) that matches, within `ms`; the ones skipped stay untaken. */
  async next(match: (m: LqMessage) => boolean = () => true, ms = 5000): Promise<LqMessage> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex((m, index) => index >= this.taken && match(m));
      if (i >= 0) {
        this.taken = i + 1;
        return this.received[i]!;
      }
      if (Date.now() > end) throw new Error(`no matching LiveQuery message; received ${JSON.stringify(this.received.slice(this.taken))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The messages not taken yet, after waiting `ms` for stragglers. */
  async rest(ms = 300): Promise<LqMessage[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received.slice(this.taken);
  }

  async closed(ms = 5000): Promise<{ code: number; reason: string }> {
    const end = Date.now() + ms;
    while (!this.closedWith) {
      if (Date.now() > end) throw new Error('the socket did not close');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closedWith;
  }

  /** Sends `connect` (with the app id unless given) and returns the answer (`connected` or `error`). */
  async connect(fields: Record<string, unknown> = {}): Promise<LqMessage> {
    this.send({ op: 'connect', applicationId: APP_ID, ...fields });
    return this.next((m) => m.op === 'connected' || m.op === 'error');
  }

  /** Sends `subscribe` (or `update`) and returns the answer for that requestId (`subscribed` or `error`). */
  async subscribe(requestId: number, query: Record<string, unknown>, extra: Record<string, unknown> = {}, op = 'subscribe'): Promise<LqMessage> {
    this.send({ op, requestId, query: { where: {}, ...query }, ...extra });
    return this.next((m) => m.requestId === requestId && (m.op === 'subscribed' || m.op === 'error'));
  }

  /** The next event of a subscription. */
  event(requestId: number, ms?: number): Promise<LqMessage> {
    return this.next((m) => m.requestId === requestId && ['create', 'enter', 'update', 'leave', 'delete'].includes(m.op), ms);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }
}
