import type { WebSocketServer } from 'ws';

/**
 * Closes every socket of a WebSocket server as a stopping server must (graphql-ws and LiveQuery
 * alike): 1001 to each, up to `graceMs` for them to close, then the rest cut; resolves once
 * every socket and the server are closed.
 */
export async function closeSockets(wss: WebSocketServer, graceMs: number): Promise<void> {
  const open = [...wss.clients];
  const ended = Promise.all(open.map((ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())))));
  for (const ws of open) ws.close(1001, 'Server shutting down');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const ws of open) if (ws.readyState !== ws.CLOSED) ws.terminate();
  await ended;
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
