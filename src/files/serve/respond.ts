import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ByteRange, FileStorage, StoredFile } from '../types.ts';
import { streamOf } from './body.ts';
import { entityTag, notModified, rangeApplies } from './conditional.ts';
import { type ContentHeaders, contentHeaders, FILE_SECURITY_HEADERS } from './content-type.ts';
import { parseRange } from './ranges.ts';

/** How one download is answered, as the access rules decided it. */
export interface ServePolicy {
  /** Cache-Control of the file's own answers (200, 206, 304). */
  cacheControl: string;
  /** Send the client to the store's own URL (302), valid this long, when the adapter offers one; 0: never. */
  redirectSeconds: number;
}

/** An answer that is not the file (404, 403, …), with the headers every file response carries. */
export function fileError(status: number, body: string, contentType = 'text/plain; charset=utf-8'): Response {
  return new Response(body, { status, headers: { ...FILE_SECURITY_HEADERS, 'content-type': contentType, 'cache-control': 'no-store' } });
}

export const notFound = (): Response => fileError(404, 'File not found.');

function fileHeaders(file: StoredFile, policy: ServePolicy): Headers {
  const headers = new Headers(FILE_SECURITY_HEADERS);
  headers.set('etag', entityTag(file));
  headers.set('last-modified', file.createdAt.toUTCString());
  headers.set('accept-ranges', 'bytes');
  headers.set('cache-control', policy.cacheControl);
  return headers;
}

/** The content headers of a 200, a 206: type and, for types that could run script, an attachment. */
function setContent(headers: Headers, content: ContentHeaders): void {
  headers.set('content-type', content.type);
  if (content.disposition) headers.set('content-disposition', content.disposition);
}

/**
 * Answers GET or HEAD for a stored file (its name already checked): 404 when there is no such
 * file; a redirect to the store when the policy and the adapter allow it (after the stat, so
 * that the store's URL carries the type and disposition decided here, as Plinth's own answer
 * would); otherwise the file streamed from the store — 304 for a conditional request that
 * matches, 206 for ranges (one range as such, several as multipart/byteranges), 416 when no
 * range can be served, 200 with the whole file. HEAD gets the same headers and no body.
 * Nothing is read into memory beyond one chunk at a time.
 */
export async function serveFile(storage: FileStorage, name: string, request: Request, policy: ServePolicy): Promise<Response> {
  const head = request.method === 'HEAD';
  const file = await storage.stat(name);
  if (!file) return notFound();
  const content = contentHeaders(name, file.contentType);
  if (policy.redirectSeconds > 0 && storage.directUrl) {
    // The store answers its URL with the type and disposition decided here, whatever the upload declared.
    const location = await storage.directUrl(name, policy.redirectSeconds, { contentType: content.type, contentDisposition: content.disposition });
    if (location) return new Response(null, { status: 302, headers: { ...FILE_SECURITY_HEADERS, location, 'cache-control': 'no-store' } });
  }
  const headers = fileHeaders(file, policy);
  if (notModified(request.headers, file)) return new Response(null, { status: 304, headers });
  const range = rangeApplies(request.headers, file) ? parseRange(request.headers.get('range'), file.size) : { kind: 'whole' as const };
  if (range.kind === 'unsatisfiable') {
    headers.set('content-range', `bytes */${file.size}`);
    headers.set('content-type', 'text/plain; charset=utf-8');
    return new Response(head ? null : 'Range Not Satisfiable', { status: 416, headers });
  }
  if (range.kind === 'partial' && range.ranges.length > 1) return multipart(storage, name, file, content, range.ranges, headers, head);
  setContent(headers, content);
  const part = range.kind === 'partial' ? range.ranges[0] : undefined;
  if (part) headers.set('content-range', `bytes ${part.start}-${part.end}/${file.size}`);
  headers.set('content-length', String(part ? part.end - part.start + 1 : file.size));
  const status = part ? 206 : 200;
  if (head) return new Response(null, { status, headers });
  const body = await storage.read(name, part);
  if (!body) return notFound();
  return new Response(streamOf([async () => body]), { status, headers });
}

/** Several ranges: one multipart/byteranges body, each part read from the store when it is reached. */
function multipart(
  storage: FileStorage,
  name: string,
  file: StoredFile,
  content: ContentHeaders,
  ranges: ByteRange[],
  headers: Headers,
  head: boolean,
): Response {
  const boundary = `plinth-${randomBytes(12).toString('hex')}`;
  const parts: (string | (() => Promise<Readable | undefined>))[] = [];
  let length = 0;
  ranges.forEach((r, i) => {
    const intro = `${i ? '\r\n' : ''}--${boundary}\r\ncontent-type: ${content.type}\r\ncontent-range: bytes ${r.start}-${r.end}/${file.size}\r\n\r\n`;
    parts.push(intro, () => storage.read(name, r));
    length += Buffer.byteLength(intro) + r.end - r.start + 1;
  });
  const end = `\r\n--${boundary}--\r\n`;
  parts.push(end);
  length += Buffer.byteLength(end);
  headers.set('content-type', `multipart/byteranges; boundary=${boundary}`);
  if (content.disposition) headers.set('content-disposition', content.disposition);
  headers.set('content-length', String(length));
  return new Response(head ? null : streamOf(parts), { status: 206, headers });
}
