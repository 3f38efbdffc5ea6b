import { PARSE_REQUEST_HEADERS } from '../auth/index.ts';
import { FILE_REQUEST_HEADERS, FILE_RESPONSE_HEADERS } from '../files/serve/index.ts';

/**
 * CORS as Parse Server answers it: any origin (credentials travel in headers or the body, never
 * in cookies), the methods the API has, and Parse's headers allowed on preflight — with those
 * of ranges and conditional requests, and the file answers' headers exposed, so that a browser
 * app can follow `GET /files/<appId>/<name>` to the file and read it in parts.
 */
const ALLOWED_HEADERS = [...PARSE_REQUEST_HEADERS, ...FILE_REQUEST_HEADERS].join(', ');

export const CORS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET,PUT,POST,DELETE,OPTIONS',
  'access-control-allow-headers': ALLOWED_HEADERS,
  'access-control-expose-headers': ['X-Parse-Job-Status-Id', 'X-Parse-Push-Status-Id', ...FILE_RESPONSE_HEADERS].join(', '),
});

/** The answer to a CORS preflight (`OPTIONS`): 200 with the headers above, added by the caller. */
export function preflight(): Response {
  return new Response(null, { status: 200 });
}
