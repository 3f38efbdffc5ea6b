import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { DeliveryResult } from './types.ts';

/*
 * What the providers share to talk to push services: HTTP/1.1 requests over kept-alive
 * connections (node:http is several times cheaper per request than fetch, which counts at
 * 100,000 devices), a bounded number at once, and short, safe names for what went wrong.
 */

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Kept-alive connections, at most `maxSockets` per host, for http: and https: URLs. */
export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

export function keepAliveAgents(maxSockets: number): Agents {
  return { http: new http.Agent({ keepAlive: true, maxSockets }), https: new https.Agent({ keepAlive: true, maxSockets }) };
}

export function destroyAgents(agents: Agents): void {
  agents.http.destroy();
  agents.https.destroy();
}

/** A short, safe name for a network failure: a Node error code (ECONNREFUSED…), never a message with details. */
export function networkError(error: unknown): string {
  // A stream cancelled because its connection failed says why in its cause.
  const code = (error as { cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'network error';
}

/** POSTs `body` to `url`; rejects with a network error (code `timeout` when no answer came within `timeoutMs`). */
export function post(url: URL, headers: Record<string, string>, body: string | Buffer, agents: Agents, timeoutMs: number): Promise<HttpAnswer> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: secure ? agents.https : agents.http },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
        response.on('error', reject);
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error('no answer in time'), { code: 'timeout' })));
    request.on('error', reject);
    request.end(body);
  });
}

/** Retry-After (seconds, or an HTTP date) in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | null | undefined, now: number): number | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** "Try again", after the service's Retry-After when it gave a readable one. */
export function retryResult(error: string, retryAfter: string | string[] | null | undefined, now: number): Extract<DeliveryResult, { status: 'retry' }> {
  const after = retryAfterMs(retryAfter, now);
  return after === undefined ? { status: 'retry', error } : { status: 'retry', error, retryAfterMs: after };
}

/** `fn` over `items` with at most `limit` running at once; results in the items' order. `fn` must not reject. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
