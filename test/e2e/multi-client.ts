import WebSocket from 'ws';

/*
 * A small graphql-ws client (protocol `graphql-transport-ws`) for the multi-instance test: it
 * keeps every message a subscription receives, so that a test can wait for the one it expects
 * (with a deadline) and then check what else arrived. Written on `ws` directly, so that what
 * goes over the wire is exactly what the test says.
 */

/** What a subscription has received so far. */
export interface LiveSubscription {
  id: string;
  /** `next` payloads, in arrival order. */
  events: any[];
  /** `error` payloads (GraphQL errors: the subscription was refused or ended with an error). */
  errors: any[];
  completed: boolean;
  /** Why the subscription can receive nothing more (an error, complete, the connection closed), undefined while it can. */
  ended(): string | undefined;
  /** Resolves with the first event (already received or to come) that `match` accepts. */
  waitFor(match: (payload: any) => boolean, what: string, timeoutMs?: number): Promise<any>;
  /** Resolves with the subscription's errors once it ends with an error, rejects if it does not within `timeoutMs`. */
  waitForError(timeoutMs?: number): Promise<any[]>;
  stop(): void;
}

export interface LiveConnection {
  subscribe(query: string, variables?: Record<string, unknown>): LiveSubscription;
  close(): Promise<void>;
}

/** Credentials as API.md's connectionParams name them. */
export interface ConnectionParams {
  applicationId: string;
  sessionToken?: string;
  masterKey?: string;
}

/** Polls `check` until it returns true or `timeoutMs` passes; the `what` names it in the failure. */
async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Opens ws://…/graphql, sends `connection_init` with `params` and resolves once the server
 * answers `connection_ack`; rejects with the close code and reason when it refuses instead.
 */
export async function connectLive(origin: string, params: ConnectionParams): Promise<LiveConnection> {
  const url = origin.replace(/^http/, 'ws') + '/graphql';
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const subscriptions = new Map<string, LiveSubscription>();
  let nextId = 1;
  let closed: { code: number; reason: string } | undefined;

  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    const sub = message.id === undefined ? undefined : subscriptions.get(message.id);
    if (!sub) return;
    if (message.type === 'next') sub.events.push(message.payload);
    else if (message.type === 'error') sub.errors.push(...(Array.isArray(message.payload) ? message.payload : [message.payload]));
    else if (message.type === 'complete') sub.completed = true;
  });
  const acked = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('close', (code, reason) => {
      closed = { code, reason: reason.toString() };
      reject(new Error(`connection closed before connection_ack: ${code} ${closed.reason}`));
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: params })));
    socket.on('message', (raw) => {
      if (JSON.parse(raw.toString()).type === 'connection_ack') resolve();
    });
  });
  await acked;

  return {
    subscribe(query, variables) {
      const id = String(nextId++);
      const sub: LiveSubscription = {
        id,
        events: [],
        errors: [],
        completed: false,
        ended() {
          if (sub.errors.length) return `errors ${JSON.stringify(sub.errors)}`;
          if (closed) return `connection closed: ${closed.code} ${closed.reason}`;
          if (sub.completed) return 'completed';
          return undefined;
        },
        async waitFor(match, what, timeoutMs = 5_000) {
          let found: any;
          await until(() => (found = sub.events.find(match)) !== undefined || sub.ended() !== undefined, what, timeoutMs);
          if (found !== undefined) return found;
          throw new Error(`${what}: the subscription ended instead: ${sub.ended()}`);
        },
        async waitForError(timeoutMs = 5_000) {
          await until(() => sub.errors.length > 0, `an error on subscription ${id}`, timeoutMs);
          return sub.errors;
        },
        stop() {
          if (!sub.completed && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ id, type: 'complete' }));
          sub.completed = true;
        },
      };
      subscriptions.set(id, sub);
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
      return sub;
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      const done = new Promise((resolve) => socket.once('close', resolve));
      socket.close(1000);
      await done;
    },
  };
}
