import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';

/** How one call is made: signed with `key` when there is one, failed after `timeoutMs`. */
export interface CallOptions {
  key?: string;
  timeoutMs: number;
  /** After-trigger deliveries: the delivery's id and attempt, so that a receiver can drop repeats. */
  delivery?: { id: string; attempt: number };
}

/**
 * What came back, read as Parse reads it: `{success: value}` is the result; `{error: message}`
 * (or a failure) is an error with that message. `retryable` tells a delivery whether another
 * attempt may succeed (no answer, a timeout, 5xx, 408, 429) or the receiver refused for good.
 */
export type CallOutcome = { ok: true; status: number; success: unknown } | { ok: false; status?: number; message: string; retryable: boolean; detail?: string };

/** Parse's message for an answer that is not JSON. */
export const MALFORMED = 'Malformed response';

/** `{error}` as Parse turns it into a message: a string as is, an object's `message`, anything else as JSON. */
function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && message) return message;
  return JSON.stringify(error) ?? String(error);
}

function networkMessage(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const message = (cause as { message?: unknown } | undefined)?.message ?? (error as { message?: unknown })?.message;
  return typeof message === 'string' && message ? message : 'the request failed';
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

/**
 * POSTs `body` as JSON to `url` with Parse's headers (`Content-Type: application/json`,
 * `X-Parse-Webhook-Key`) and Plinth's signature; never follows redirects. Never throws: every
 * failure is an outcome.
 */
export async function callWebhook(url: string, body: unknown, options: CallOptions): Promise<CallOutcome> {
  const json = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Plinth-Webhooks' };
  if (options.key) {
    headers['x-parse-webhook-key'] = options.key;
    headers[SIGNATURE_HEADER.toLowerCase()] = signatureHeader(options.key, json);
  }
  if (options.delivery) {
    headers['x-plinth-delivery-id'] = options.delivery.id;
    headers['x-plinth-delivery-attempt'] = String(options.delivery.attempt);
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, { method: 'POST', headers, body: json, redirect: 'manual', signal });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (signal.aborted) return { ok: false, message: `Webhook timed out after ${options.timeoutMs} ms`, retryable: true };
    const message = networkMessage(error);
    return { ok: false, message, retryable: true, detail: message };
  }
  let data: unknown;
  let malformed = false;
  if (text.trim() !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      malformed = true;
    }
  }
  const answered = typeof data === 'object' && data !== null ? (data as { success?: unknown; error?: unknown }) : {};
  if (status >= 300 || status < 200) {
    const message = answered.error ? errorMessage(answered.error) : `Webhook answered HTTP ${status}`;
    return { ok: false, status, message, retryable: status >= 500 || RETRYABLE_STATUS.has(status), detail: malformed ? text.slice(0, 100) : undefined };
  }
  if (malformed) return { ok: false, status, message: MALFORMED, retryable: false, detail: text.slice(0, 100) };
  // Parse tests `error` for truth.
  if (answered.error) return { ok: false, status, message: errorMessage(answered.error), retryable: false };
  return { ok: true, status, success: answered.success };
}
