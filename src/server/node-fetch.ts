import type http from 'node:http';
import { Readable } from 'node:stream';

/*
 * node:http ↔ Fetch: how node's server (http.ts) hands a request to a transport that is a Fetch
 * handler and writes its Response back. Shared by those transports; nothing here knows one.
 */

/**
 * A node:http request as a Fetch Request, for the Fetch handlers node's server hands requests
 * to: the URL from the Host header, the body streamed.
 */
export function toRequest(req: http.IncomingMessage): Request {
  const host = req.headers.host ?? 'localhost';
  const url = new URL(req.url ?? '/', `http://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    // Node's fetch needs this for a streamed body.
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/** Writes a Fetch Response to a node:http response, streaming its body (stopped if the client goes). */
export async function sendResponse(response: Response, res: http.ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // A reader, not Readable.fromWeb: Yoga answers with its ponyfill streams, which fromWeb refuses.
  const reader = response.body.getReader();
  let gone = false;
  res.once('close', () => {
    gone = true;
    void reader.cancel().catch(() => undefined);
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || gone) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
    }
    if (!gone) res.end();
  } catch {
    res.destroy();
  }
}
