import type http from 'node:http';
import { Readable } from 'node:stream';
import { JsonAnswer, type RestApi, type RestHttpRequest } from '../rest/index.ts';
import { sendResponse } from './node-fetch.ts';

/**
 * Node's lane into the REST API: what it reads of the request without a Fetch Request (its
 * body stream and abort signal made only when a route asks), and JSON answers written as text.
 * Building a Request and streaming a Response back cost about as much as a get by id.
 */
export function serveRest(rest: RestApi, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  return rest.answer(restRequestOf(req, res), { ip: req.socket.remoteAddress }).then((out) => {
    if (!(out instanceof JsonAnswer)) return sendResponse(out, res);
    res.writeHead(out.status, out.headers);
    res.end(out.text);
  });
}

function restRequestOf(req: http.IncomingMessage, res: http.ServerResponse): RestHttpRequest {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i][0] !== ':') headers.append(raw[i], raw[i + 1]);
  const method = req.method ?? 'GET';
  let body: Request['body'] | undefined;
  let signal: AbortSignal | undefined;
  return {
    url: `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`,
    method,
    headers,
    get body() {
      if (body === undefined) body = method === 'GET' || method === 'HEAD' ? null : (Readable.toWeb(req) as Request['body']);
      return body;
    },
    /** Aborted when the client goes before the answer is written (an upload in flight stops). */
    get signal() {
      if (!signal) {
        const controller = new AbortController();
        res.once('close', () => {
          if (!res.writableFinished) controller.abort();
        });
        signal = controller.signal;
      }
      return signal;
    },
  };
}
