import { csrfToken } from './session.ts';

/** An error answered by a dashboard route, in Parse's `{code, error}` shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | string | undefined,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * fetch() against the dashboard's own routes with the session cookie and the
 * `X-Plinth-CSRF` header (required on every POST).
 */
export function csrfFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = csrfToken();
  if (token) headers.set('X-Plinth-CSRF', token);
  return fetch(url, { ...init, headers, credentials: 'same-origin' });
}

/** POSTs JSON to a dashboard route and answers its JSON body; throws ApiError when not 2xx. */
export async function postJson<T = unknown>(url: string, body?: unknown): Promise<T> {
  const res = await csrfFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? '{}' : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { error: text };
  }
  if (!res.ok) {
    const message = typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
    throw new ApiError(res.status, json.code as number | string | undefined, message, json);
  }
  return json as T;
}
