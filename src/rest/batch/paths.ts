import { errors } from '../../errors/index.ts';

/** A sub-request's path under the mount: its segments, decoded, and its query string's parameters. */
export interface SubRequestPath {
  segments: string[];
  query: Record<string, unknown>;
}

/**
 * The prefixes a sub-request's path may start with, longest first: the mount (`/parse`), and the
 * public URL's path before it when Plinth is served under one (`/api/parse` behind a proxy) —
 * the JavaScript SDK writes its server URL's path before every sub-request's.
 */
export function pathPrefixes(mount: string, publicUrl: string): string[] {
  let publicPath = '';
  try {
    publicPath = new URL(publicUrl).pathname.replace(/\/+$/, '');
  } catch {
    // An unparsable public URL adds nothing: the mount alone is still accepted.
  }
  const prefixes = new Set([`${publicPath}${mount}`, mount]);
  return [...prefixes].sort((a, b) => b.length - a.length);
}

const cannotRoute = (path: string) => errors.invalidJson(`cannot route batch path ${path}`);

/**
 * Where a sub-request goes: `/parse/classes/Post` as the SDKs send it (Parse's form), and also
 * `classes/Post` or `/classes/Post` relative to the mount. Empty segments are dropped; `.` and
 * `..` are refused rather than resolved, as no route has them. 107 for a path that cannot be read.
 */
export function subRequestPath(path: string, prefixes: readonly string[]): SubRequestPath {
  const [pathname, search = ''] = path.split('?', 2);
  let rest = pathname;
  const prefix = prefixes.find((p) => pathname === p || pathname.startsWith(`${p}/`));
  if (prefix) rest = pathname.slice(prefix.length);
  let segments: string[];
  try {
    segments = rest
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    throw cannotRoute(path);
  }
  if (segments.some((s) => s === '.' || s === '..')) throw cannotRoute(path);
  const query: Record<string, unknown> = Object.create(null);
  for (const [key, value] of new URLSearchParams(search)) query[key] = value;
  return { segments, query };
}
