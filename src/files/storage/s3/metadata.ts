/*
 * User metadata travels as `x-amz-meta-<key>` HTTP headers: keys are header names (S3 keeps them
 * in lower case), values printable ASCII. Other values (non-ASCII text, edge spaces that HTTP
 * would trim) are sent RFC 2047-encoded (`=?UTF-8?B?…?=`) — the form S3 itself answers with for
 * such values — and decoded on the way back, so that they round-trip while plain values stay
 * readable by other tools (Parse Server's S3 adapter writes the same headers).
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PLAIN = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;
const ENCODED = /^=\?UTF-8\?B\?([A-Za-z0-9+/]*={0,2})\?=$/i;

/** Metadata as S3 headers; a key that cannot be a header name is a TypeError. */
export function encodeMetadata(metadata: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!TOKEN.test(key)) throw new TypeError(`Invalid metadata key for S3: ${JSON.stringify(key)}`);
    const text = String(value);
    out[key] = PLAIN.test(text) && !text.startsWith('=?') ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
  }
  return out;
}

/** Metadata as read back from S3's headers. */
export function decodeMetadata(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const m = ENCODED.exec(value);
    out[key] = m ? Buffer.from(m[1], 'base64').toString('utf8') : value;
  }
  return out;
}
