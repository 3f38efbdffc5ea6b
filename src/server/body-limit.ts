/**
 * The request body limit. Bodies that declare their length are checked before anything is
 * read; the rare ones without a length (chunked) are read up to the limit and refused beyond
 * it. Checking here, rather than with Yoga's body-size option, keeps the common path free of
 * the stream wrapping that option adds to every request.
 */

/** Reads a body up to `limit` bytes; null when it is longer. */
export async function readBounded(chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Buffer | null> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limit) return null;
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Yoga's own shape for the error, so clients see one format whichever check refused the body. */
export const TOO_LARGE_BODY = JSON.stringify({ errors: [{ message: 'Request body too large', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } }] });

export function tooLargeHeaders(origin: string | null | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', connection: 'close' };
  if (origin) Object.assign(headers, { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' });
  return headers;
}

/**
 * Applies the limit to a WHATWG request (the in-process `fetch` entry): the request as is when
 * it is within the limit, a re-built one when its body had to be read, or a 413 response.
 */
export async function limitFetchBody(request: Request, limit: number): Promise<Request | Response> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    return Number(declared) > limit ? new Response(TOO_LARGE_BODY, { status: 413, headers: tooLargeHeaders(request.headers.get('origin')) }) : request;
  }
  if (!request.body) return request;
  const body = await readBounded(request.body as unknown as AsyncIterable<Uint8Array>, limit);
  if (!body) return new Response(TOO_LARGE_BODY, { status: 413, headers: tooLargeHeaders(request.headers.get('origin')) });
  return new Request(request.url, { method: request.method, headers: request.headers, body: new Uint8Array(body) });
}
