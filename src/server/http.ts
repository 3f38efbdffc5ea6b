import http from 'node:http';
import type { Socket } from 'node:net';
import type { Plinth } from './app.ts';
import { TOO_LARGE_BODY, tooLargeHeaders } from './body-limit.ts';
import { sessionResolver } from '../auth/index.ts';
import { attachGraphQLWs, type GraphQLWsServer } from './ws.ts';
import { isGraphQLUpload } from './uploads/is-upload.ts';
import { isJsonPost } from './direct-lane.ts';
import { isDashboardSocketUrl, isDashboardUrl } from './dashboard/index.ts';
import { sendResponse, toRequest } from './node-fetch.ts';
import { splitUpgrades } from './dashboard/upgrades.ts';
import { serveRest } from './rest-lane.ts';
import { attachLiveQuery, isLiveQueryUrl, type LiveQueryServer } from '../rest/live-query/index.ts';

export interface RunningServer {
  server: http.Server;
  url: string;
  /** graphql-ws on the same port and path (WebSocket upgrade). */
  ws: GraphQLWsServer;
  /** Parse's LiveQuery protocol on the REST mount (ws://host/parse), when the REST API is on. */
  liveQuery?: LiveQueryServer;
  /**
   * Stops accepting connections, closes WebSockets (their subscriptions end), lets in-flight
   * requests finish (up to `graceMs`, then their connections are cut), then closes Plinth
   * (live queries, schema polling, database).
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * How long the server waits on a client. No deadline bounds a whole request: an upload may take
 * as long as it keeps arriving (Node's own default, `requestTimeout` 300 s, cut a 1 GiB upload
 * slower than 3.4 MB/s with a bare 408).
 */
export interface ConnectionTimeouts {
  /**
   * A connection closes when, for this long, the server waits on the client and the client
   * neither sends nor takes a byte: a body that stopped arriving, an answer it stopped reading
   * (a reader that is slow but moving is not stalled), a connection with no request. Time the
   * server spends on an answer never counts, nor do WebSockets (they ping) and server-sent
   * events (Yoga writes a ping every 12 s; a quiet stream is the server's turn).
   */
  idleMs: number;
  /** The request line and headers must arrive within this (Node answers 408 otherwise). */
  headersMs: number;
}

export const CONNECTION_TIMEOUTS: Readonly<ConnectionTimeouts> = Object.freeze({ idleMs: 120_000, headersMs: 60_000 });

/** The request a connection serves now, and its response (for the idle check). */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
}

/**
 * Whether an idle connection (no byte either way for `idleMs`) is waiting on its client: before
 * or between requests; while the body has stopped arriving (everything that came was read); while
 * the answer waits for the client to take what was written. Otherwise the server is at work — on
 * an answer, or reading slower than the client sends — and the connection stays.
 */
function waitsOnClient(socket: Socket, exchange: Exchange | undefined): boolean {
  if (!exchange || exchange.res.writableFinished) return true;
  if (!exchange.req.complete) return exchange.req.readableLength === 0;
  return socket.writableLength > 0;
}

const idleTimerKept = new WeakSet<Socket>();

/**
 * Keeps a socket's idle timer on: whatwg-node (Yoga's adapter) turns it off whenever it streams
 * an answer — a download, server-sent events — which left a reader that stopped reading holding
 * its socket (and the file's stream) for ever. The idle check (waitsOnClient) decides instead,
 * and keeps what must stay open.
 */
function keepIdleTimer(socket: Socket): void {
  if (idleTimerKept.has(socket)) return;
  idleTimerKept.add(socket);
  const setTimeout = socket.setTimeout.bind(socket);
  socket.setTimeout = ((ms: number, callback?: () => void) => (ms === 0 ? socket : setTimeout(ms, callback))) as Socket['setTimeout'];
}

/** The answer to a body over the limit; the rest of the body is not read, the connection closes. */
function refuseLargeBody(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(413, tooLargeHeaders(req.headers.origin)).end(TOO_LARGE_BODY);
  req.resume();
}

/**
 * A body read here rather than streamed by Yoga — a JSON POST to the endpoint, or any body
 * without a declared length (held to the limit while it arrives) — then served: a JSON POST
 * reads past one UTF-8 byte order mark (as the Fetch standard reads JSON, and Parse) and takes
 * the direct lane (server/direct-lane.ts) when it can; the rest goes to Yoga with the body read.
 */
async function serveRead(plinth: Plinth, req: http.IncomingMessage, res: http.ServerResponse, limit: number): Promise<void> {
  const read = await readBody(req, limit);
  if (read === ABORTED) return;
  if (!read) return refuseLargeBody(req, res);
  const json = isJsonPost(req, plinth.config.graphqlPath);
  const body = json && read[0] === 0xef && read[1] === 0xbb && read[2] === 0xbf ? read.subarray(3) : read;
  // Yoga's node adapter takes a body already read as the request's own.
  const toYoga = async () => {
    (req as { body?: Buffer }).body = body;
    await plinth.graphql(req, res);
  };
  const lane = plinth.directLane;
  return json && lane?.accepts(req) ? lane.serve(req, res, body, toYoga) : toYoga();
}

/** The path of a request target, without its query. */
function pathOf(url: string | undefined): string {
  const q = url?.indexOf('?') ?? -1;
  return q < 0 ? (url ?? '/') : url!.slice(0, q);
}

/** The client went away before its body was whole. */
const ABORTED = Symbol('aborted');

/** A request's body, within `limit` bytes whatever length it declared; null beyond it. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null | typeof ABORTED> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        resolve(null);
      } else parts.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)));
    req.once('close', () => {
      if (!req.complete) resolve(ABORTED);
    });
    req.once('error', () => resolve(ABORTED));
  });
}

/** The answer to a failure of this module's own serving (Yoga answers its own). */
function failed(plinth: Plinth, res: http.ServerResponse, message: string): (error: unknown) => void {
  return (error) => {
    plinth.logger.error({ err: error }, message);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 1, error: 'Internal server error' }));
    else res.destroy();
  };
}

/**
 * Routes one request: a file upload streams to storage under its own limits; a body announced
 * (Content-Length) over the limit is refused with 413 before it is read; one without a length,
 * and a JSON POST to the endpoint, are read here first (`serveRead`); the rest is Yoga's.
 */
export function serveRequest(plinth: Plinth, req: http.IncomingMessage, res: http.ServerResponse): void {
  const maxBody = plinth.config.limits.maxBodyBytes;
  const declared = req.headers['content-length'];
  // A file upload streams to storage under its own limits (plugins/use-uploads.ts).
  if (isGraphQLUpload(req.method, req.url, req.headers['content-type'], plinth.config.graphqlPath)) {
    plinth.graphql(req, res);
    return;
  }
  // Parse's REST API is a Fetch handler of its own, with its own limits (file uploads stream past the body limit).
  const rest = plinth.rest;
  if (rest.owns(pathOf(req.url))) {
    serveRest(rest, req, res).catch(failed(plinth, res, 'failed to serve a REST request'));
    return;
  }
  if (declared !== undefined && Number(declared) > maxBody) {
    refuseLargeBody(req, res);
    return;
  }
  // The dashboard (UI, account API, admin GraphQL) is a Fetch handler of its own.
  if (isDashboardUrl(req.url)) {
    plinth.admin.dashboard
      .fetch(toRequest(req), { ip: req.socket.remoteAddress })
      .then((response) => sendResponse(response, res))
      .catch(failed(plinth, res, 'failed to serve a dashboard request'));
    return;
  }
  const readHere = declared === undefined ? !!req.headers['transfer-encoding'] : isJsonPost(req, plinth.config.graphqlPath);
  if (readHere) {
    serveRead(plinth, req, res, maxBody).catch(failed(plinth, res, 'failed to serve a request'));
    return;
  }
  plinth.graphql(req, res);
}

/**
 * Serves Plinth over node:http. A body announced (Content-Length) over the configured limit is
 * refused with 413 before it is read; bodies without a length are read within the limit first.
 * File uploads (multipart POSTs to the GraphQL endpoint) stream through under their own limits.
 * No deadline bounds a whole request; a client that stalls is cut (`timeouts`, default
 * CONNECTION_TIMEOUTS: tests lower them).
 *
 * Shutdown (`stop`): the listening socket closes at once (new connections are refused), idle
 * keep-alive connections are closed, and every response still in flight is sent with
 * `Connection: close`, so each connection ends as soon as its request is answered; WebSocket
 * connections are closed with 1001 (and cut if they do not answer).
 */
export async function listen(
  plinth: Plinth,
  port = plinth.config.port,
  host = plinth.config.host,
  timeouts: Partial<ConnectionTimeouts> = {},
): Promise<RunningServer> {
  const { idleMs, headersMs } = { ...CONNECTION_TIMEOUTS, ...timeouts };
  const inFlight = new Set<http.ServerResponse>();
  const exchanges = new WeakMap<Socket, Exchange>();
  let closing = false;
  const server = http.createServer(
    // Node checks headersTimeout every connectionsCheckingInterval (30 s by default).
    { requestTimeout: 0, headersTimeout: headersMs, connectionsCheckingInterval: Math.min(30_000, Math.max(10, Math.floor(headersMs / 4))) },
    (req, res) => {
      if (closing) res.setHeader('connection', 'close');
      inFlight.add(res);
      exchanges.set(req.socket, { req, res });
      keepIdleTimer(req.socket);
      res.once('close', () => {
        inFlight.delete(res);
        if (closing) server.closeIdleConnections();
      });
      serveRequest(plinth, req, res);
    },
  );
  server.keepAliveTimeout = 65_000;
  // A socket's idle timer (re-armed by every byte read or written, and by a pending write's
  // progress); with this listener Node leaves the decision here instead of closing at once.
  server.timeout = idleMs;
  server.on('timeout', (socket: Socket) => {
    if (waitsOnClient(socket, exchanges.get(socket))) socket.destroy();
  });
  const { config } = plinth;
  // /dashboard/graphql upgrades go to the dashboard's socket (cookie and Origin checked), the
  // REST mount's to LiveQuery (the SDK's default URL: the REST URL with ws://), the rest to graphql-ws.
  const rest = config.rest;
  const lanes = splitUpgrades(server, {
    dashboard: (req) => isDashboardSocketUrl(req.url),
    liveQuery: (req) => rest.enabled && isLiveQueryUrl(req.url, rest.path),
  });
  const adminWs = plinth.admin.dashboard.attachWebSocket(lanes.dashboard);
  const sessions = sessionResolver(plinth.sessions, plinth.roles);
  const ws = attachGraphQLWs(lanes.graphql, {
    path: config.graphqlPath,
    appId: config.appId,
    masterKey: config.masterKey,
    masterKeyIps: config.auth.masterKeyIps,
    sessions,
    yoga: plinth.graphql,
    limits: config.live,
    connections: plinth.live.connections,
    documentLimits: config.limits,
    sessionsEnded: plinth.live.hub,
    beforeConnect: plinth.live.hooks?.beforeConnect,
    logger: plinth.logger,
    trustedDocuments: plinth.trustedDocuments,
  });
  const liveQuery = rest.enabled
    ? attachLiveQuery(lanes.liveQuery, {
        path: rest.path,
        appId: config.appId,
        masterKey: config.masterKey,
        masterKeyIps: config.auth.masterKeyIps,
        clientKeys: Object.values(rest.clientKeys).filter((k): k is string => !!k),
        sessions,
        events: plinth.live.hub,
        sessionsEnded: plinth.live.hub,
        schema: plinth.schemaStore,
        fileUrl: (name) => plinth.fileDownloads.url(name),
        hooks: plinth.live.hooks,
        onHookError: plinth.live.context.onHookError,
        limits: config.live,
        connections: plinth.live.connections,
        maxMessageBytes: config.limits.maxBodyBytes,
        logger: plinth.logger,
      })
    : undefined;
  const socketCount = () => ws.connections + (liveQuery?.connections ?? 0);
  plinth.live.countClients(socketCount);
  plinth.metrics?.countConnections(socketCount);
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
    liveQuery,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        closing = true;
        // Load balancers polling /ready on open connections stop sending work at once.
        plinth.readiness.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        await Promise.all([ws.close(Math.min(graceMs, 2000)), liveQuery?.close(Math.min(graceMs, 2000)), adminWs?.close()]);
        await closed;
        clearTimeout(timer);
        await plinth.close();
      })();
      return stopping;
    },
  };
}
