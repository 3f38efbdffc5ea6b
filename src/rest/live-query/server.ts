import type http from 'node:http';
import { closeSockets } from '../../live/close-sockets.ts';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode } from '../../errors/index.ts';
import { endsSessionOf } from '../../live/results/index.ts';
import { AddressSlots } from '../../live/index.ts';
import { liveQueryContext, type LiveQueryOptions } from './context.ts';
import { LiveQueryConnection } from './connection.ts';
import { errorFrame } from './replies.ts';

export interface LiveQueryServer {
  /** Open LiveQuery connections. */
  readonly connections: number;
  /** Closes every connection (1001 "Server shutting down"; their subscriptions end), cutting those that do not answer within `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** Close code for a connection over the per-address limit (as graphql-ws's). */
export const TOO_MANY_CONNECTIONS = 4429;

/** Whether an upgrade's target is the REST mount (`/parse`, `/parse/`, with any query): the SDK's default LiveQuery URL. */
export function isLiveQueryUrl(url: string | undefined, mount: string): boolean {
  const path = (url ?? '/').split('?')[0];
  return path === mount || path === `${mount}/`;
}

/**
 * Parse's LiveQuery protocol on the HTTP server's REST mount, over the live engine that serves
 * GraphQL subscriptions: each connection (rest/live-query/connection.ts) authenticates with the
 * rules of every transport, and each subscription is an engine subscriber with its own access.
 * Limits as graphql-ws's: connections per client address (accepted, told, closed with 4429),
 * subscriptions per connection (155), a ping every `keepAliveMs` (no pong by the next one: cut).
 * `upgrades` is the server, or a lane that gets only this protocol's upgrades.
 */
export function attachLiveQuery(upgrades: http.Server, options: LiveQueryOptions): LiveQueryServer {
  const ctx = liveQueryContext(options);
  const { limits, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  const slots = options.connections ?? new AddressSlots(limits.maxConnectionsPerIp);
  const connections = new Map<WebSocket, LiveQueryConnection>();
  const awaitingPong = new Set<WebSocket>();
  let closing = false;

  const stopWatching = options.sessionsEnded?.onSessionsEnded((ended) => {
    for (const c of connections.values()) {
      const auth = c.connectedAs;
      if (auth && endsSessionOf(auth, ended)) c.endSession();
    }
  });

  const keepAlive = setInterval(() => {
    for (const ws of connections.keys()) {
      if (awaitingPong.has(ws)) {
        ws.terminate();
        continue;
      }
      awaitingPong.add(ws);
      ws.ping();
    }
  }, limits.keepAliveMs);
  keepAlive.unref();

  const accept = (ws: WebSocket, req: http.IncomingMessage) => {
    const ip = req.socket.remoteAddress;
    const connection = new LiveQueryConnection(ws, ip, ctx);
    connections.set(ws, connection);
    ws.on('message', (data) => connection.receive(String(data)));
    ws.on('pong', () => awaitingPong.delete(ws));
    ws.on('error', (error) => logger?.debug({ err: error }, 'LiveQuery: socket error'));
    ws.once('close', () => {
      connections.delete(ws);
      awaitingPong.delete(ws);
      connection.closed();
    });
  };

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const ip = req.socket.remoteAddress ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => {
      const release = slots.take(ip);
      if (!release) {
        logger?.warn({ ip, limit: slots.maxPerAddress }, 'LiveQuery connection refused: too many from this address');
        const error = 'Too many connections from this address';
        ws.send(errorFrame(ErrorCode.REQUEST_LIMIT_EXCEEDED, error, false));
        ws.close(TOO_MANY_CONNECTIONS, JSON.stringify({ code: ErrorCode.REQUEST_LIMIT_EXCEEDED, error }));
        return;
      }
      ws.once('close', release);
      accept(ws, req);
    });
  };
  upgrades.on('upgrade', onUpgrade);

  return {
    get connections() {
      return connections.size;
    },
    async close(graceMs = 2000) {
      closing = true;
      clearInterval(keepAlive);
      stopWatching?.();
      upgrades.off('upgrade', onUpgrade);
      await closeSockets(wss, graceMs);
    },
  };
}
