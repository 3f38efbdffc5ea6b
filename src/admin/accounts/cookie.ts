/** The dashboard session's cookie (HttpOnly, SameSite=Strict, Path=/dashboard; set by server/dashboard). */
export const ADMIN_COOKIE = 'plinth_admin';

/** One cookie's value from a Cookie header; undefined when absent. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value || undefined;
  }
  return undefined;
}
