import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Plinth's webhook signature, sent with every call when a webhook key is configured:
 *
 *   X-Plinth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<raw body>")>
 *
 * A receiver recomputes the HMAC over the raw body it got (before parsing it), compares in
 * constant time, and refuses a timestamp too far from its own clock (a replayed call). Parse's
 * `X-Parse-Webhook-Key` header (the key itself) is sent too, for receivers written for Parse.
 */

export const SIGNATURE_HEADER = 'X-Plinth-Signature';

/** How far a signature's time may be from the receiver's clock, by default (seconds). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmac(key: string, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex');
}

/** The `X-Plinth-Signature` value for `body` (the exact text sent), at `now` (ms). */
export function signatureHeader(key: string, body: string, now: number = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${hmac(key, t, body)}`;
}

export interface VerifyOptions {
  /** Seconds the signature's time may differ from `now` (default 300; 0: no check). */
  toleranceSeconds?: number;
  /** The receiver's clock, in ms (default Date.now()). */
  now?: number;
}

/**
 * Whether `header` (an `X-Plinth-Signature` value) signs `body` — the raw request body, as
 * received — with `key`, at a time within the tolerance. For receivers written in Node.
 */
export function verifyWebhookSignature(key: string, header: string | null | undefined, body: string, options: VerifyOptions = {}): boolean {
  if (!header) return false;
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const name = item.slice(0, eq).trim();
    parts.set(name, [...(parts.get(name) ?? []), item.slice(eq + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isSafeInteger(t)) return false;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (tolerance > 0 && Math.abs((options.now ?? Date.now()) / 1000 - t) > tolerance) return false;
  const expected = Buffer.from(hmac(key, t, body), 'hex');
  return (parts.get('v1') ?? []).some((candidate) => {
    const given = /^[0-9a-f]{64}$/i.test(candidate) ? Buffer.from(candidate, 'hex') : undefined;
    return given !== undefined && timingSafeEqual(given, expected);
  });
}
