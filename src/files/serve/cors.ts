/**
 * What a browser app on another origin needs to fetch files as the serving code answers them:
 * the request headers of ranges and conditional requests (allowed on preflight), and the
 * response headers it reads back (exposed: beyond the CORS-safelisted ones, a script sees none).
 */
export const FILE_REQUEST_HEADERS: readonly string[] = ['Range', 'If-Range', 'If-None-Match', 'If-Modified-Since'];

export const FILE_RESPONSE_HEADERS: readonly string[] = ['Content-Range', 'Content-Length', 'Content-Disposition', 'Accept-Ranges', 'ETag'];

/** A comma-separated header value with `names` added (those it already lists, in any case, once). */
export function withNames(value: string | null, names: readonly string[]): string {
  const listed = (value ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const known = new Set(listed.map((n) => n.toLowerCase()));
  return [...listed, ...names.filter((n) => !known.has(n.toLowerCase()))].join(', ');
}
