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
