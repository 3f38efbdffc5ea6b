import { displayName } from './name.ts';

/**
 * Types a browser shows without running anything on the API's origin: these are served inline;
 * every other type — HTML, SVG, XML, JavaScript, PDF, and anything unknown (which a browser
 * might sniff as one of those) — is served as an attachment, downloaded rather than opened.
 */
const INLINE: readonly RegExp[] = [
  /^image\/(?:png|jpeg|pjpeg|gif|webp|avif|apng|bmp|x-icon|vnd\.microsoft\.icon|tiff|heic|heif)$/,
  /^audio\/[a-z0-9.+-]+$/,
  /^video\/[a-z0-9.+-]+$/,
  /^text\/(?:plain|csv)$/,
  /^application\/json$/,
  /^font\/[a-z0-9.+-]+$/,
];

/** `type/subtype` with optional parameters, in printable ASCII (a stored value that is not is replaced). */
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(?:\s*;[\x20-\x7e]*)?$/i;

export const FALLBACK_TYPE = 'application/octet-stream';

/** The Content-Type to send for a stored type: as stored when well formed, else application/octet-stream. */
export function contentTypeOf(stored: string | undefined): string {
  const value = stored?.trim() ?? '';
  return MEDIA_TYPE.test(value) ? value : FALLBACK_TYPE;
}

/** Whether a Content-Type may be shown inline on the API's origin. */
export function servedInline(contentType: string): boolean {
  const essence = contentType.split(';')[0].trim().toLowerCase();
  return INLINE.some((re) => re.test(essence));
}

/**
 * `Content-Disposition: attachment` naming the file as the person uploaded it (RFC 6266: an
 * ASCII `filename` for old clients, the exact name in `filename*`).
 */
export function attachmentDisposition(name: string): string {
  const shown = displayName(name);
  const ascii = shown.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(shown).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Headers every file response carries, errors included: no type sniffing, and a policy that
 * lets nothing the file contains run or load anything, even when a browser renders it.
 */
export const FILE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
});
