import { EventEmitter } from 'node:events';
import type http from 'node:http';
import type { Duplex } from 'node:stream';

/** Which requests go to the lanes other than graphql-ws's. */
export interface UpgradeTests {
  /** The dashboard's socket (/dashboard/graphql). */
  dashboard: (req: http.IncomingMessage) => boolean;
  /** Parse's LiveQuery protocol (the REST mount, /parse). */
  liveQuery: (req: http.IncomingMessage) => boolean;
}

export interface UpgradeLanes {
  dashboard: http.Server;
  liveQuery: http.Server;
  /** The public graphql-ws, which refuses paths other than its own with 404. */
  graphql: http.Server;
}

/**
 * Splits a server's WebSocket upgrades in lanes by a test on the request: the dashboard's
 * socket, LiveQuery, and the rest (graphql-ws). Each WebSocket server attaches to its lane as
 * it would to the server (they only listen to `upgrade`), so none answers another's upgrades.
 * An upgrade no lane takes is 404.
 */
export function splitUpgrades(server: http.Server, tests: UpgradeTests): UpgradeLanes {
  const dashboard = new EventEmitter();
  const liveQuery = new EventEmitter();
  const graphql = new EventEmitter();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const lane = tests.dashboard(req) ? dashboard : tests.liveQuery(req) ? liveQuery : graphql;
    if (!lane.emit('upgrade', req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  // The lanes stand in for the server where only its `upgrade` events are used.
  const asServer = (lane: EventEmitter) => lane as unknown as http.Server;
  return { dashboard: asServer(dashboard), liveQuery: asServer(liveQuery), graphql: asServer(graphql) };
}
