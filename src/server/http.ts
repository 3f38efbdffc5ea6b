import http from 'node:http';
import type { Plinth } from './app.ts';

export interface RunningServer {
  server: http.Server;
  url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to `graceMs`, then their
   * connections are cut), then closes Plinth (schema polling, database).
   */
  stop(graceMs?: number): Promise<void>;
}

/** The answer to a body over the limit, in the shape Yoga gives when it finds one itself. */
function refuseLargeBody(req: http.IncomingMessage, res: http.ServerResponse, limit: number): void {
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json; charset=utf-8', connection: 'close' };
  const origin = req.headers.origin;
  if (origin) Object.assign(headers, { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' });
  const body = { errors: [{ message: 'Request body too large', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } }] };
  res.writeHead(413, headers).end(JSON.stringify(body));
  // The body is not read: the connection closes after the answer.
  req.resume();
}

/**
 * Serves Plinth over node:http. A body announced (Content-Length) over the configured limit is
 * refused with 413 before it is read; Yoga applies the same limit to bodies without a length.
 *
 * Shutdown (`stop`): the listening socket closes at once (new connections are refused), idle
 * keep-alive connections are closed, and every response still in flight is sent with
 * `Connection: close`, so each connection ends as soon as its request is answered.
 */
export async function listen(plinth: Plinth, port = plinth.config.port, host = plinth.config.host): Promise<RunningServer> {
  const maxBody = plinth.config.limits.maxBodyBytes;
  const inFlight = new Set<http.ServerResponse>();
  let closing = false;
  const server = http.createServer((req, res) => {
    if (closing) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (closing) server.closeIdleConnections();
    });
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > maxBody) return refuseLargeBody(req, res, maxBody);
    plinth.graphql(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${actualPort}${plinth.config.graphqlPath}`;
  let stopping: Promise<void> | undefined;
  return {
    server,
    url,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        closing = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        await closed;
        clearTimeout(timer);
        await plinth.close();
      })();
      return stopping;
    },
  };
}
