// Comparing two servers' REST answers "byte for byte modulo key order, URLs and the request's own
// timestamps": both bodies are normalised (keys sorted; a File's url, a session token, and the
// fields a check names as per-request replaced by placeholders), then walked side by side; every
// differing path is reported with each server's value.

/** Normalises a parsed body. `volatile` lists key names whose values belong to the request itself. */
export function normalize(value, volatile = new Set()) {
  if (Array.isArray(value)) return value.map((v) => normalize(v, volatile));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if (key === 'url' && value.__type === 'File') out[key] = '<file url>';
    else if (key === 'sessionToken' && typeof v === 'string') out[key] = '<session token>';
    else if (volatile.has(key)) out[key] = `<${key}>`;
    else out[key] = normalize(v, volatile);
  }
  return out;
}

/** The differences between two normalised values: [{ path, parse, plinth }], at most `max`. */
export function diff(a, b, path = '$', out = [], max = 200) {
  if (out.length >= max) return out;
  if (Object.is(a, b)) return out;
  const kind = (x) => (Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x);
  if (kind(a) !== kind(b) || (kind(a) !== 'object' && kind(a) !== 'array')) {
    out.push({ path, parse: a, plinth: b });
    return out;
  }
  if (kind(a) === 'array') {
    if (a.length !== b.length) out.push({ path: `${path}.length`, parse: a.length, plinth: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) diff(a[i], b[i], `${path}[${i}]`, out, max);
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of [...keys].sort()) {
    if (!Object.hasOwn(b, k)) out.push({ path: `${path}.${k}`, parse: a[k], plinth: '<absent>' });
    else if (!Object.hasOwn(a, k)) out.push({ path: `${path}.${k}`, parse: '<absent>', plinth: b[k] });
    else diff(a[k], b[k], `${path}.${k}`, out, max);
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Differences that run through every answer, named once so that the rest stands out: a Relation
 * field Parse lists (`{"__type":"Relation",…}`) that Plinth leaves out, and an object without ACL
 * that Plinth answers with a public read/write ACL where Parse answers none.
 */
export const SYSTEMATIC = [
  { name: 'Relation field left out by Plinth', test: (d) => d.parse?.__type === 'Relation' && d.plinth === '<absent>' },
  {
    name: 'no ACL: Plinth answers {"*":{"read":true,"write":true}}',
    test: (d) => /\.ACL$/.test(d.path) && d.parse === '<absent>' && JSON.stringify(d.plinth) === '{"*":{"read":true,"write":true}}',
  },
];

/** Splits differences into the systematic ones (counted by name) and the others. */
export function splitSystematic(differences) {
  const counts = new Map();
  const rest = [];
  for (const d of differences) {
    const kind = SYSTEMATIC.find((k) => k.test(d));
    if (kind) counts.set(kind.name, (counts.get(kind.name) ?? 0) + 1);
    else rest.push(d);
  }
  return { counts, rest };
}

/**
 * The differences as report lines, one per distinct (path with indexes as [*], Parse's value,
 * Plinth's value), with how many times it occurred — a field missing from every result is one line.
 */
export function diffLines(differences) {
  const groups = new Map();
  for (const d of differences) {
    const path = d.path.replace(/\[\d+\]/g, '[*]');
    const key = `${path}\u0000${show(d.parse)}\u0000${show(d.plinth)}`;
    const g = groups.get(key) ?? { path, parse: d.parse, plinth: d.plinth, n: 0 };
    g.n++;
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => `${g.path}: parse ${show(g.parse)} | plinth ${show(g.plinth)}${g.n > 1 ? ` (${g.n}×)` : ''}`);
}

/** Parses a body; a non-JSON body is kept as text so that it can still be compared. */
export function parseBody(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return { '<non-JSON body>': text.slice(0, 300) };
  }
}

/** `results` sorted by objectId, for checks whose order neither server promises. */
export function sortResults(body) {
  if (body && Array.isArray(body.results)) {
    return {
      ...body,
      results: [...body.results].sort((x, y) => String(x.objectId ?? JSON.stringify(x)).localeCompare(String(y.objectId ?? JSON.stringify(y)))),
    };
  }
  return body;
}

/** Short printable form of a value for the report. */
export function show(v) {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}
