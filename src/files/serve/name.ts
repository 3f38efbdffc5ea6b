/** The longest stored name served, in UTF-8 bytes (what file systems and object stores take). */
export const MAX_FILE_NAME_BYTES = 255;

/** Characters no stored name has: path separators, NUL and the other control characters. */
const FORBIDDEN = /[/\\\x00-\x1f\x7f]/;

/**
 * Whether `name` can be a stored file's name: not empty, at most 255 bytes, without `/`, `\`,
 * NUL or control characters, without `..` anywhere and not starting with `.` (a name never
 * reaches outside the store, nor the temporary files an adapter keeps beside the others).
 * Checked before any storage call, so that adapters only ever see such names.
 */
export function isValidFileName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !name.includes('..') && !FORBIDDEN.test(name) && Buffer.byteLength(name, 'utf8') <= MAX_FILE_NAME_BYTES;
}

/** The name a URL path segment stands for (percent-decoded), or undefined when it is no valid name. */
export function fileNameOfSegment(segment: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  return isValidFileName(name) ? name : undefined;
}

/** The name a person sees: the stored name without the unique prefix uploads get (`<32 hex>_`). */
export function displayName(name: string): string {
  return name.replace(/^[0-9a-f]{32}_(?=.)/i, '');
}
