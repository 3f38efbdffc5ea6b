import http from 'node:http';
import type { Plinth } from './app.ts';
import { readBounded, TOO_LARGE_BODY, tooLargeHeaders } from './body-limit.ts';
import { sessionResolver } from '../auth/index.ts';
import { attachGraphQLWs, type GraphQLWsServer } from './ws.ts';
import { isGraphQLUpload } from './uploads/is-upload.ts';

export interface RunningServer {
  server: http.Server;
  url: string;
  /** graphql-ws on the same port and path (WebSocket upgrade). */
  ws: GraphQLWsServer;
  /**
   * Stops accepting connections, closes WebSockets (their subscriptions end), lets in-flight
   * requests finish (up to `graceMs`, then their connections are cut), then closes Plinth
   * (live queries, schema polling, database).
   */
  stop(graceMs?: number): Promise<void>;
}

/** The answer to a body over the limit; the rest of the body is not read, the connection closes. */
function refuseLargeBody(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(413, tooLargeHeaders(req.headers.origin)).end(TOO_LARGE_BODY);
  req.resume();
}

/** A body without a declared length: read it within the limit, then serve it in-process. */
async function serveChunked(plinth: Plinth, req: http.IncomingMessage, res: http.ServerResponse, limit: number): Promise<void> {
  const body = await readBounded(req, limit);
  if (!body) return refuseLargeBody(req, res);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && name !== 'transfer-encoding') headers.set(name, String(value));
  const response = await plinth.fetch(
    new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method, headers, body: new Uint8Array(body) }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * Serves Plinth over node:http. A body announced (Content-Length) over the configured limit is
 * refused with 413 before it is read; bodies without a length are read within the limit first.
 * File uploads (multipart POSTs to the GraphQL endpoint) stream through under their own limits.
 *
 * Shutdown (`stop`): the listening socket closes at once (new connections are refused), idle
 * keep-alive connections are closed, and every response still in flight is sent with
 * `Connection: close`, so each connection ends as soon as its request is answered; WebSocket
 * connections are closed with 1001 (and cut if they do not answer).
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
    const declared = req.headers['content-length'];
    // A file upload streams to storage under its own limits (plugins/use-uploads.ts).
    if (isGraphQLUpload(req.method, req.url, req.headers['content-type'], plinth.config.graphqlPath)) return plinth.graphql(req, res);
    if (declared !== undefined) {
      if (Number(declared) > maxBody) return refuseLargeBody(req, res);
    } else if (req.headers['transfer-encoding']) {
      serveChunked(plinth, req, res, maxBody).catch((error) => {
        plinth.logger.error({ err: error }, 'failed to serve a chunked request');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 1, error: 'Internal server error' }));
        else res.destroy();
      });
      return;
    }
    plinth.graphql(req, res);
  });
  server.keepAliveTimeout = 65_000;
  const { config } = plinth;
  const ws = attachGraphQLWs(server, {
    path: config.graphqlPath,
    appId: config.appId,
    masterKey: config.masterKey,
    masterKeyIps: config.auth.masterKeyIps,
    sessions: sessionResolver(plinth.sessions, plinth.roles),
    yoga: plinth.graphql,
    limits: config.live,
    documentLimits: config.limits,
    sessionsEnded: plinth.live.hub,
    beforeConnect: plinth.live.hooks?.beforeConnect,
    logger: plinth.logger,
    trustedDocuments: plinth.trustedDocuments,
  });
  plinth.live.countClients(() => ws.connections);
  plinth.metrics?.countConnections(() => ws.connections);
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
    ws,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        closing = true;
        // Load balancers polling /ready on open connections stop sending work at once.
        plinth.readiness.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        await ws.close(Math.min(graceMs, 2000));
        await closed;
        clearTimeout(timer);
        await plinth.close();
      })();
      return stopping;
    },
  };
}
