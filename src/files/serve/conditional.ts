import type { StoredFile } from '../types.ts';

/** The ETag header of a stored file: its validator, quoted, with characters an entity tag cannot hold replaced. */
export function entityTag(file: StoredFile): string {
  return `"${file.etag.replace(/[^\x21\x23-\x7e]/g, '_')}"`;
}

/** Whole seconds since the epoch: HTTP dates have no finer grain. */
function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** The entity tags of an If-None-Match / If-Match list, `*` included as itself. */
function tagsOf(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/**
 * Whether a GET or HEAD may be answered 304 Not Modified (RFC 9110 §13.2.2): If-None-Match
 * names the file's tag (compared weakly, `*` matches any file) — or, only when there is no
 * If-None-Match, the file has not changed since If-Modified-Since.
 */
export function notModified(headers: Headers, file: StoredFile): boolean {
  const none = headers.get('if-none-match');
  if (none !== null) {
    const tag = entityTag(file);
    return tagsOf(none).some((t) => t === '*' || t.replace(/^W\//, '') === tag);
  }
  const since = headers.get('if-modified-since');
  if (since === null) return false;
  const date = Date.parse(since);
  return !Number.isNaN(date) && seconds(file.createdAt.getTime()) <= seconds(date);
}

/**
 * Whether a Range still applies under If-Range (RFC 9110 §13.1.5): without it, yes; with an
 * entity tag, only when it is this file's (strong comparison, so a weak tag never matches);
 * with a date, only when it is the file's Last-Modified exactly. Otherwise the whole file is sent.
 */
export function rangeApplies(headers: Headers, file: StoredFile): boolean {
  const ifRange = headers.get('if-range')?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return ifRange === entityTag(file);
  const date = Date.parse(ifRange);
  return !Number.isNaN(date) && seconds(date) === seconds(file.createdAt.getTime());
}
