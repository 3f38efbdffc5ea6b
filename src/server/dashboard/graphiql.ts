import { randomBytes } from 'node:crypto';
import type { AdminPrincipal } from '../../admin/types.ts';
import { identityOf, identityParam, type GraphiQLIdentity } from './identity.ts';

/** Where the page sends its operations (server/dashboard/proxy.ts). */
export const GRAPHIQL_PROXY_PATH = '/dashboard/api/graphql-proxy';

const DEFAULT_QUERY: Record<GraphiQLIdentity['kind'], string> = {
  anonymous: '# Runs as an anonymous client: what the public sees.\n{\n  health\n}\n',
  master: '# Runs with your own dashboard rights (a read-only admin stays read-only).\n{\n  health\n}\n',
  user: '# Runs as this user: their ACLs, roles and class-level permissions apply.\n{\n  health\n}\n',
};

/**
 * The page's Content-Security-Policy: its one inline script runs by the response's nonce.
 * GraphiQL inlines its CSS and Monaco (its editor) adds <style> elements and style attributes
 * at run time, without a nonce, so style-src allows 'unsafe-inline' (a style cannot run
 * script; a nonce there would make browsers ignore 'unsafe-inline'). Monaco's
 * workers are blob: URLs the page makes; it talks only to this origin and may be framed only by
 * the dashboard.
 */
function policy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Puts the nonce on the renderer's one <script>, the first after `from` (the bundle it inlines comes after it). */
function withNonce(html: string, from: string, nonce: string): string {
  const start = html.indexOf(from);
  const at = start < 0 ? -1 : html.indexOf('<script>', start);
  if (at < 0) throw new Error('GraphiQL page: no <script> to put the nonce on');
  return `${html.slice(0, at)}<script nonce="${nonce}">${html.slice(at + '<script>'.length)}`;
}

/**
 * `GET /dashboard/api/graphiql?as=anonymous|master|user:<id>`: Yoga's GraphiQL page, sending its
 * operations to the proxy with the same `as` and the session's CSRF header. The page holds no
 * master key and no session token: the proxy picks the identity on the server. Shown by the
 * dashboard's GraphiQL screen in an <iframe>.
 */
export async function graphiqlPage(request: Request, principal: AdminPrincipal, _deps?: unknown): Promise<Response> {
  const identity = identityOf(request, principal);
  if (identity instanceof Response) return identity;
  const as = identityParam(identity);
  // The renderer inlines GraphiQL's 5 MB bundle: loaded on first use, not at start-up.
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const nonce = randomBytes(18).toString('base64');
  // `as` is checked (identity.ts): the renderer puts the title in HTML and the options in a script unescaped.
  let html = renderGraphiQL({
    title: `Plinth GraphiQL (${as})`,
    endpoint: `${GRAPHIQL_PROXY_PATH}?as=${encodeURIComponent(as)}`,
    additionalHeaders: { 'X-Plinth-CSRF': principal.csrfToken },
    // The proxy forwards no header but the content type: an editor for them would only mislead.
    isHeadersEditorEnabled: false,
    shouldPersistHeaders: false,
    defaultQuery: DEFAULT_QUERY[identity.kind],
  });
  html = withNonce(html, '<div id="root">', nonce);
  return new Response(html, {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': policy(nonce),
      'cache-control': 'no-store',
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
    },
  });
}
