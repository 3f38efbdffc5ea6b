/**
 * JSON values as PostgreSQL's jsonb compares them, for the in-memory matcher: equality by value
 * (key order irrelevant, numbers by value) and jsonb's ordering, so that a live query decides
 * `compare` on Object and Array values exactly as the SQL compiler's jsonb operators do.
 */

/** jsonb's order between types: null < string < number < boolean < array < object; -1 for a non-JSON value. */
export function jsonRank(v: unknown): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'string':
      return 1;
    case 'number':
      return 2;
    case 'boolean':
      return 3;
    case 'object':
      return Array.isArray(v) ? 4 : 5;
    default:
      return -1;
  }
}

/** A UTF-16 code unit remapped so that comparing units orders strings by code point (surrogates last). */
function unitRank(c: number): number {
  return c < 0xd800 ? c : c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/**
 * Strings in code point order (= UTF-8 byte order = PostgreSQL under the C collation, which
 * ast.ts assumes). JavaScript's `<` compares UTF-16 units, which differs above U+D7FF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unitRank(x) - unitRank(y);
  }
  return a.length - b.length;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xe000 ? 2 : 3; // a surrogate pair is 4 bytes
  }
  return n;
}

/** jsonb stores an object's keys shortest first (in UTF-8 bytes), then bytewise; its ordering walks them so. */
function storageOrder(a: string, b: string): number {
  return utf8Length(a) - utf8Length(b) || compareText(a, b);
}

/** Deep equality of JSON values as jsonb's `=` decides it. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key)) continue;
    if (!Object.hasOwn(y, key) || !jsonEqual(x[key], y[key])) return false;
    count++;
  }
  return count === Object.keys(y).length;
}

/**
 * jsonb's total order (PostgreSQL's compareJsonbContainers): by type first; arrays by length,
 * then element by element; objects by number of keys, then key and value in storage order.
 */
export function compareJson(a: unknown, b: unknown): number {
  const ra = jsonRank(a);
  const rb = jsonRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return compareText(a as string, b as string);
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return Number(a) - Number(b);
    case 4: {
      const x = a as unknown[];
      const y = b as unknown[];
      if (x.length !== y.length) return x.length - y.length;
      for (let i = 0; i < x.length; i++) {
        const c = compareJson(x[i], y[i]);
        if (c !== 0) return c;
      }
      return 0;
    }
    case 5:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    default:
      return 0;
  }
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a).sort(storageOrder);
  const kb = Object.keys(b).sort(storageOrder);
  if (ka.length !== kb.length) return ka.length - kb.length;
  for (let i = 0; i < ka.length; i++) {
    const c = compareText(ka[i], kb[i]) || compareJson(a[ka[i]], b[kb[i]]);
    if (c !== 0) return c;
  }
  return 0;
}
