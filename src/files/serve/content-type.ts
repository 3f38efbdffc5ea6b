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

/** Types sent with `charset=utf-8` when they name none, as Parse (Express) sends them: text, JSON, JavaScript. */
const UTF8_BY_DEFAULT = /^(?:text\/[a-z0-9!#$&^_.+-]+|application\/(?:json|javascript))$/;

/** A content type with `; charset=utf-8` added when it is text (or JSON, JavaScript) and names no charset. */
export function withCharset(contentType: string): string {
  const [essence, ...params] = contentType.split(';');
  if (!UTF8_BY_DEFAULT.test(essence.trim().toLowerCase())) return contentType;
  if (params.some((p) => p.trim().toLowerCase().startsWith('charset='))) return contentType;
  return `${contentType.trimEnd()}; charset=utf-8`;
}

/** What a file's answers say about its content, wherever it is served from (Plinth, or a store's direct URL). */
export interface ContentHeaders {
  /** The Content-Type to send: the stored type when well formed (else application/octet-stream), with charset for text. */
  type: string;
  /** `attachment; filename=…` for every type not shown inline; absent for those that are. */
  disposition?: string;
}

/**
 * The content headers of a stored file: its safe type, and an attachment for types that could
 * run script. Plinth's own answers, the presigned URLs a store redirects to and the metadata an
 * object store keeps with the file (so that a direct read of the bucket answers the same) all
 * come from here.
 */
export function contentHeaders(name: string, stored: string | undefined): ContentHeaders {
  const type = withCharset(contentTypeOf(stored));
  return servedInline(type) ? { type } : { type, disposition: attachmentDisposition(name) };
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
