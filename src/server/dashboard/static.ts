import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import mime from 'mime';

/**
 * Where `npm run build` puts the UI (dashboard/vite.config.ts): dist/dashboard under the package
 * root, which is three folders up from this file both as src/server/dashboard/static.ts (tests,
 * tsx) and as dist/server/dashboard/static.js.
 */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

export const DASHBOARD_PREFIX = '/dashboard/';
const ASSETS = 'assets/';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NOT_CACHED = 'no-cache';

const notBuilt = () =>
  new Response('The dashboard is not built: run npm run build (it writes dist/dashboard).\n', {
    status: 503,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
const notFound = () => new Response('Not Found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
const badRequest = () => new Response('Bad Request\n', { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/**
 * The path under /dashboard/ as safe relative segments, or undefined: each segment is
 * percent-decoded, and one that is empty, `.`, `..`, or holds a slash, a backslash or NUL is
 * refused (the URL parser has already folded literal and `%2e` dot segments; this catches what
 * decoding reveals, such as `..%2f`).
 */
function safeSegments(rest: string): string[] | undefined {
  if (rest === '') return [];
  const segments: string[] = [];
  for (const raw of rest.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** A file of the build, streamed. */
function fileResponse(file: string, size: number, cacheControl: string, head: boolean): Response {
  const headers = {
    'content-type': mime.getType(file) ?? 'application/octet-stream',
    'content-length': String(size),
    'cache-control': cacheControl,
  };
  if (head) return new Response(null, { status: 200, headers });
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, { status: 200, headers });
}

/**
 * Serves the built UI (GET and HEAD) under /dashboard/: hashed files under assets/ are cached
 * for good (a new build has new names; a missing one is 404, never the page); other files of
 * the build (icons) are served revalidated; every other path is a client route and gets
 * index.html, never cached, so a new build is picked up at once. 503 when there is no build.
 */
export async function serveStatic(request: Request, pathname: string, dir = DASHBOARD_DIST): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
  const head = request.method === 'HEAD';
  const segments = safeSegments(pathname.slice(DASHBOARD_PREFIX.length).replace(/\/$/, ''));
  if (!segments) return pathname.includes('%') ? badRequest() : notFound();
  const index = path.join(dir, 'index.html');
  const page = await readFile(index).catch(() => undefined);
  if (!page) return notBuilt();
  if (segments.length) {
    const file = path.join(dir, ...segments);
    // Belt and braces: whatever the segments, never outside the build.
    if (!file.startsWith(dir)) return notFound();
    const size = await fileSize(file);
    if (size !== undefined) return fileResponse(file, size, pathname.startsWith(DASHBOARD_PREFIX + ASSETS) ? IMMUTABLE : NOT_CACHED, head);
    if (pathname.startsWith(DASHBOARD_PREFIX + ASSETS)) return notFound();
  }
  return new Response(head ? null : page, {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': NOT_CACHED, 'content-length': String(page.length) },
  });
}
