import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/*
 * What the three fake push services share: answers a test scripts (for one device or for all,
 * for a number of requests or until reset), and starting and stopping a plain server on
 * 127.0.0.1, so that a server in a child process can reach it too.
 */

export interface Answer {
  /** The HTTP status to answer with. */
  status: number;
  /** The service's reason or error code (APNs `reason`, FCM `errorCode`); the usual one for the status when absent. */
  reason?: string;
  /** A Retry-After header, in seconds. */
  retryAfter?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer this way this many times, then no more (default: until reset). */
  times?: number;
}

/** Scripted answers: for one key (a device token, a subscription id) first, then for all. */
export class Answers {
  private readonly byKey = new Map<string, Answer[]>();
  private readonly all: Answer[] = [];

  add(answer: Answer, key?: string): void {
    const list = key === undefined ? this.all : (this.byKey.get(key) ?? []);
    list.push({ ...answer });
    if (key !== undefined) this.byKey.set(key, list);
  }

  /** The answer for a request about `key`, if one was scripted; counts it against `times`. */
  take(key: string): Answer | undefined {
    for (const list of [this.byKey.get(key), this.all]) {
      const answer = list?.[0];
      if (!answer) continue;
      if (answer.times !== undefined && --answer.times <= 0) list.shift();
      return answer;
    }
    return undefined;
  }

  clear(): void {
    this.byKey.clear();
    this.all.length = 0;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Listens on 127.0.0.1 on a free port; resolves with the port. */
export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and drops open connections. */
export async function stopServer(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections?.();
  await closed;
}

/** A request's whole body, as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

/** A JSON answer. */
export function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
