import { createHash } from 'node:crypto';

/** Text made safe for HTML content and attribute values (quoted with "). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; padding: 2rem 1rem; background: #f6f7f9; color: #1b1f24; line-height: 1.5; }
main { max-width: 28rem; margin: 0 auto; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 1.5rem 2rem; }
h1 { font-size: 1.4rem; margin-top: 0; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input[type=password] { box-sizing: border-box; width: 100%; font-size: 1rem; padding: .5rem; margin-top: .25rem; border: 1px solid #8c959f; border-radius: 4px; }
input:focus, button:focus { outline: 3px solid #0969da; outline-offset: 1px; }
button { margin-top: 1.5rem; font-size: 1rem; padding: .6rem 1.2rem; border: 0; border-radius: 4px; background: #0969da; color: #fff; cursor: pointer; }
.hint { color: #57606a; font-size: .9rem; margin: .25rem 0 0; }
.error { color: #a40e26; background: #ffebe9; border: 1px solid #ff8182; border-radius: 4px; padding: .5rem .75rem; }
.ok { color: #116329; background: #dafbe1; border: 1px solid #4ac26b; border-radius: 4px; padding: .5rem .75rem; }
`;

/** The one inline style, allowed by its hash: the pages load nothing and run no script. */
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  // The address holds a live token: never send it on as a Referer, never keep the page.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export interface PageContent {
  /** Plain text (escaped here). */
  title: string;
  appName: string;
  /** HTML, already escaped by the caller. */
  body: string;
}

/** A complete page: a plain, accessible HTML document, no external assets, no script. */
export function htmlPage(status: number, content: PageContent, extraHeaders: Record<string, string> = {}): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(content.title)} · ${escapeHtml(content.appName)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(content.title)}</h1>
${content.body}
</main>
</body>
</html>
`;
  return new Response(html, { status, headers: { ...HEADERS, ...extraHeaders } });
}

/** A paragraph of text; `kind` marks an error (announced by screen readers) or a success. */
export function paragraph(text: string, kind?: 'error' | 'ok'): string {
  if (kind === 'error') return `<p class="error" role="alert">${escapeHtml(text)}</p>`;
  if (kind === 'ok') return `<p class="ok" role="status">${escapeHtml(text)}</p>`;
  return `<p>${escapeHtml(text)}</p>`;
}
