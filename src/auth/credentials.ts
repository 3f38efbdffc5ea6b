/**
 * The session token a request carries: X-Parse-Session-Token, else `Authorization: Bearer
 * <token>`. Blank values count as none (an empty header is anonymous, API.md).
 */
export function sessionTokenOf(headers: Headers): string | undefined {
  const header = headers.get('x-parse-session-token')?.trim();
  if (header) return header;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1]?.trim();
  return bearer || undefined;
}

/** The headers Parse's clients send, allowed on CORS preflight by every transport (GraphQL and REST). */
export const PARSE_REQUEST_HEADERS: readonly string[] = [
  'X-Parse-Master-Key',
  'X-Parse-REST-API-Key',
  'X-Parse-Javascript-Key',
  'X-Parse-Application-Id',
  'X-Parse-Client-Version',
  'X-Parse-Session-Token',
  'X-Requested-With',
  'X-Parse-Revocable-Session',
  'X-Parse-Request-Id',
  'X-Parse-Installation-Id',
  'X-Parse-Client-Key',
  'X-Parse-Cloud-Context',
  'X-Parse-Upload-Mode',
  'Content-Type',
  'Authorization',
  'Pragma',
  'Cache-Control',
];
