import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call a receiver got: the raw body (what a signature covers) and its JSON. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

/** How a route answers its n-th call (1 first): a status, a JSON body (or raw text), after a delay. */
export type Answer = { status?: number; json?: unknown; text?: string; delayMs?: number };

export interface Receiver {
  url(path: string): string;
  /** Every call, oldest first. */
  received: Received[];
  calls(path: string): Received[];
  /** How `path` answers (default: 200 `{"success": null}`). */
  on(path: string, answer: (call: Received, n: number) => Answer): void;
  close(): Promise<void>;
}

/** A local HTTP server standing in for the webhooks' receiver. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const routes = new Map<string, (call: Received, n: number) => Answer>();
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const path = req.url ?? '/';
      const call: Received = { path, headers: req.headers, raw, body };
      received.push(call);
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const answer = routes.get(path)?.(call, n) ?? { json: { success: null } };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'content-type': answer.text !== undefined ? 'text/plain' : 'application/json' });
        res.end(answer.text ?? JSON.stringify(answer.json ?? { success: null }));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    calls: (path) => received.filter((r) => r.path === path),
    on: (path, answer) => void routes.set(path, answer),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
