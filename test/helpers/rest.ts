import type { Plinth } from '../../src/server/app.ts';
import { APP_ID, MASTER_KEY, overSocket } from './server.ts';

export interface RestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RestCall {
  /** Credentials: the master key, a session token, extra headers. */
  master?: boolean;
  session?: string;
  headers?: Record<string, string>;
  /** A JSON body, or `params` sent as the query string of a GET. */
  body?: unknown;
  params?: Record<string, unknown>;
}

/** Calls Plinth's REST API through the front door (a loopback socket), as Parse's REST clients do. */
export function restClient(plinth: Plinth) {
  const mount = plinth.config.rest.path;
  return async function rest<T = any>(method: string, path: string, call: RestCall = {}): Promise<RestResponse<T>> {
    const headers: Record<string, string> = { 'X-Parse-Application-Id': APP_ID, ...call.headers };
    if (call.master) headers['X-Parse-Master-Key'] = MASTER_KEY;
    if (call.session) headers['X-Parse-Session-Token'] = call.session;
    let query = '';
    if (call.params) {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(call.params)) search.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      query = `?${search}`;
    }
    if (call.body !== undefined) headers['Content-Type'] ??= 'application/json';
    const response = await overSocket(plinth, `${mount}/${path}${query}`, {
      method,
      headers,
      body: call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body),
    });
    const text = await response.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: response.status, body, headers: response.headers };
  };
}
