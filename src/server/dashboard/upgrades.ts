import { EventEmitter } from 'node:events';
import type http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Splits a server's WebSocket upgrades in two lanes by a test on the request: the dashboard's
 * socket (/dashboard/graphql) and the rest (the public graphql-ws, which refuses other paths
 * with 404). Each WebSocket server attaches to its lane as it would to the server (they only
 * listen to `upgrade`), so neither answers the other's upgrades. An upgrade no lane takes is 404.
 */
export function splitUpgrades(server: http.Server, isDashboard: (req: http.IncomingMessage) => boolean): { dashboard: http.Server; rest: http.Server } {
  const dashboard = new EventEmitter();
  const rest = new EventEmitter();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const lane = isDashboard(req) ? dashboard : rest;
    if (!lane.emit('upgrade', req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  // The lanes stand in for the server where only its `upgrade` events are used.
  return { dashboard: dashboard as unknown as http.Server, rest: rest as unknown as http.Server };
}
