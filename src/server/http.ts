import http from 'node:http';
import type { Plinth } from './app.ts';

export interface RunningServer {
  server: http.Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes everything. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Serves Plinth over node:http. Bodies over the configured limit are refused with 413 before
 * they are read.
 */
export async function listen(plinth: Plinth, port = plinth.config.port, host = plinth.config.host): Promise<RunningServer> {
  const maxBody = plinth.config.limits.maxBodyBytes;
  const server = http.createServer((req, res) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > maxBody) {
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 130, error: 'Request body too large' }));
      req.resume();
      return;
    }
    plinth.graphql(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
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
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
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
