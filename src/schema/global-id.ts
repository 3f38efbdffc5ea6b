/**
 * Relay global ids: base64 of "<ClassName>:<objectId>" with the stored class name
 * (`_User:abc`), exactly as Parse Server issues them.
 */
export function toGlobalId(className: string, objectId: string): string {
  return Buffer.from(`${className}:${objectId}`, 'utf8').toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DECODED = /^(_?[A-Za-z][A-Za-z0-9_]*):(.+)$/s;

/** Decodes a global id; undefined when the value is not one (e.g. a raw objectId). */
export function fromGlobalId(value: string): { className: string; objectId: string } | undefined {
  if (value.length < 4 || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const m = DECODED.exec(decoded);
  if (!m || Buffer.from(decoded, 'utf8').toString('base64') !== value) return undefined;
  return { className: m[1], objectId: m[2] };
}

/**
 * The objectId an id argument names: a global id of the expected class, or the raw value
 * (every id argument also accepts a raw objectId).
 */
export function toObjectId(value: string, className: string): string {
  const g = fromGlobalId(value);
  return g && g.className === className ? g.objectId : value;
}
