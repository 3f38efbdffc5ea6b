import type { Logger } from '../config/logger.ts';
import { ErrorCode, type ParseError } from '../errors/index.ts';
import { requestError, unexpectedError } from '../db/index.ts';

/** A handler's answer: Parse's JSON body with its status (200 unless said), or a Response made by the handler (files). */
export interface RestResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

/**
 * A JSON answer not yet made a Fetch Response: node's lane writes its text straight to the
 * socket (a Response and its body stream cost more than the find they carry); `fetch` callers
 * get it as a Response.
 */
export class JsonAnswer {
  readonly headers: Record<string, string>;
  readonly text: string;

  constructor(
    readonly status: number,
    body: unknown,
    headers?: Record<string, string>,
  ) {
    this.text = JSON.stringify(body);
    this.headers = { 'content-type': JSON_TYPE, ...headers };
  }

  toResponse(): Response {
    return new Response(this.text, { status: this.status, headers: this.headers });
  }
}

export function jsonAnswer(status: number, body: unknown, headers?: Record<string, string>): JsonAnswer {
  return new JsonAnswer(status, body, headers);
}

/**
 * Parse Server's HTTP status for an error code: 404 for an object that is not there, 500 for
 * an internal error, 400 for everything else (the code says what). Refusals made before any
 * work (application id, master key from a wrong address) keep their own statuses.
 */
export function statusOf(error: ParseError): number {
  if (error.httpStatus !== 400) return error.httpStatus;
  if (error.code === ErrorCode.OBJECT_NOT_FOUND) return 404;
  if (error.code === ErrorCode.INTERNAL_SERVER_ERROR) return 500;
  return 400;
}

/** A failure as Parse's REST API answers it: `{code, error}`, the detail of an unexpected one only in the log. */
export function errorAnswer(error: unknown, logger?: Logger): JsonAnswer {
  const known = requestError(error, logger) ?? unexpectedError(error, logger);
  return jsonAnswer(statusOf(known), { code: known.code, error: known.message });
}
