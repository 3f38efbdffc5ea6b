/**
 * The headers of every dashboard response. The page loads only its own hashed files (no inline
 * script, no eval), talks to its own origin over HTTP and WebSocket, and may not be framed.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The security headers of a dashboard response; `csp` false (PLINTH_DASHBOARD_CSP=false) leaves the policy to the operator. */
export function securityHeaders(csp: boolean): Record<string, string> {
  return {
    ...(csp ? { 'content-security-policy': CSP } : {}),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/**
 * Adds the security headers a response does not set itself (the GraphiQL page brings its own
 * policy, with a nonce for its one inline script, and may be framed by the dashboard).
 */
export function withSecurityHeaders(response: Response, csp: boolean): Response {
  const add = (target: Response) => {
    for (const [name, value] of Object.entries(securityHeaders(csp))) if (!target.headers.has(name)) target.headers.set(name, value);
    return target;
  };
  try {
    return add(response);
  } catch {
    // Immutable headers (a response from fetch()): a copy.
    return add(new Response(response.body, response));
  }
}

/** A JSON answer of the dashboard API (never cached). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}
