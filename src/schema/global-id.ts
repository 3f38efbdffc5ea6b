const HAS_NON_ASCII = /[\u0080-\uffff]/;

/**
 * Relay global ids: base64 of "<ClassName>:<objectId>" with the stored class name
 * (`_User:abc`), exactly as Parse Server issues them.
 */
export function toGlobalId(className: string, objectId: string): string {
  const text = `${className}:${objectId}`;
  // ASCII text is its own UTF-8, and btoa encodes it without the two Buffers (every id a page answers).
  return HAS_NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('base64') : btoa(text);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DECODED = /^(_?[A-Za-z][A-Za-z0-9_]*):(.+)$/s;
const NOT_ASCII = /[\x80-\xff]/;

/**
 * Decodes a global id; undefined when the value is not one (e.g. a raw objectId): only the
 * canonical base64 of valid UTF-8 counts, so that one object has one global id. `atob`/`btoa`
 * (a byte per character) decode an id in half the time two Buffers take — this runs for every id
 * argument — and an id whose bytes are all ASCII is its own UTF-8; others are decoded as UTF-8.
 */
export function fromGlobalId(value: string): { className: string; objectId: string } | undefined {
  if (value.length < 4 || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  let bytes: string;
  try {
    bytes = atob(value);
  } catch {
    return undefined;
  }
  if (btoa(bytes) !== value) return undefined;
  let decoded = bytes;
  if (NOT_ASCII.test(bytes)) {
    decoded = Buffer.from(bytes, 'latin1').toString('utf8');
    if (Buffer.from(decoded, 'utf8').toString('latin1') !== bytes) return undefined;
  }
  const m = DECODED.exec(decoded);
  return m ? { className: m[1], objectId: m[2] } : undefined;
}

/**
 * The objectId an id argument names: a global id of the expected class, or the raw value
 * (every id argument also accepts a raw objectId).
 */
export function toObjectId(value: string, className: string): string {
  const g = fromGlobalId(value);
  return g && g.className === className ? g.objectId : value;
}
