import { createHmac, timingSafeEqual } from 'node:crypto';

/** The query parameters of a signed file URL. */
export const EXPIRES_PARAM = 'exp';
export const SIGNATURE_PARAM = 'sig';

/** A signature is base64url of an HMAC-SHA256: 43 characters. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const EXPIRY = /^\d{1,12}$/;

/**
 * Signs and checks file URLs: `sig` = HMAC-SHA256(key, "plinth-file\n<name>\n<exp>"), `exp`
 * in Unix seconds. The URL is a bearer capability for one file until `exp`: it names no
 * reader, because the browsers that fetch it (`<img src>`, `<video>`) send no credentials.
 *
 * Expiries are rounded up to a step (a tenth of the lifetime), so one file read again and
 * again within a step gets the same URL and browsers can cache it; a URL lives between `ttl`
 * and `ttl + step` seconds.
 */
export class UrlSigner {
  private readonly step: number;

  constructor(
    private readonly key: Buffer,
    readonly ttlSeconds: number,
  ) {
    this.step = Math.max(1, Math.floor(ttlSeconds / 10));
  }

  private mac(name: string, exp: string): Buffer {
    return createHmac('sha256', this.key).update(`plinth-file\n${name}\n${exp}`).digest();
  }

  /** The `exp` and `sig` of a URL for `name` made at `nowMs`. */
  sign(name: string, nowMs: number): { exp: number; sig: string } {
    const exp = Math.ceil((Math.floor(nowMs / 1000) + this.ttlSeconds) / this.step) * this.step;
    return { exp, sig: this.mac(name, String(exp)).toString('base64url') };
  }

  /**
   * Seconds the URL stays valid, when `exp` and `sig` are a signature of `name` that has not
   * expired at `nowMs`; undefined otherwise (tampered, expired, another file's, malformed).
   */
  verify(name: string, exp: string | null, sig: string | null, nowMs: number): number | undefined {
    if (exp === null || sig === null || !EXPIRY.test(exp) || !SIGNATURE.test(sig)) return undefined;
    const left = Number(exp) - Math.floor(nowMs / 1000);
    if (left <= 0) return undefined;
    // Compared as text, not decoded: the 43rd character carries two padding bits that decoding
    // ignores, so four spellings of one signature would pass — a changed last character must not.
    const given = Buffer.from(sig, 'latin1');
    const expected = Buffer.from(this.mac(name, exp).toString('base64url'), 'latin1');
    return timingSafeEqual(given, expected) ? left : undefined;
  }
}
