/*
 * What the server sends, in Parse Server's shapes: `connected`, `subscribed`, `unsubscribed`
 * and the events carry the client's id and installation id (and the subscription's requestId);
 * `error` carries Parse's code, its message, whether the client should reconnect, and the
 * requestId it concerns (null for the connection).
 */

/** A server push other than an error. */
export interface Push {
  op: 'connected' | 'subscribed' | 'unsubscribed' | EventOp;
  requestId?: number;
  object?: Record<string, unknown>;
  original?: Record<string, unknown>;
}

export type EventOp = 'create' | 'enter' | 'update' | 'leave' | 'delete';

export function pushFrame(push: Push, clientId: string, installationId: string | undefined): string {
  const { op, ...rest } = push;
  return JSON.stringify({ op, clientId, installationId, ...rest });
}

export function errorFrame(code: number, error: string, reconnect: boolean, requestId: number | null = null): string {
  return JSON.stringify({ op: 'error', error, code, reconnect, requestId });
}
