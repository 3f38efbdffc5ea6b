import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, MASTER_KEY, startLoggedServer, type LoggedServer } from './helpers.ts';

// API.md "Transport and credentials", through the front door (yoga.fetch, no port).
let s: LoggedServer;
beforeAll(async () => {
  s = await startLoggedServer();
  await s.graphql(
    `mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { class { name } } }`,
    {},
    { 'x-parse-master-key': MASTER_KEY },
  );
  await s.graphql(`mutation { createNote(input: { fields: { text: "public" } }) { note { objectId } } }`);
});
afterAll(() => s?.close());

const json = (body: unknown) => JSON.stringify(body);
const post = (headers: Record<string, string>, query = '{ health }') => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: json({ query }),
});

describe('X-Parse-Application-Id', () => {
  it('is required: without it → HTTP 403 {"error":"unauthorized"}', async () => {
    const r = await s.send('/graphql', post({}));
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'unauthorized' });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('must match: a wrong one → 403, even with the right master key', async () => {
    const wrong = await s.send('/graphql', post({ 'x-parse-application-id': 'other-app', 'x-parse-master-key': MASTER_KEY }));
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({ error: 'unauthorized' });
    const prefix = await s.send('/graphql', post({ 'x-parse-application-id': APP_ID + 'x' }));
    expect(prefix.status).toBe(403);
  });

  it('is checked on every path Yoga serves GraphQL on, not only /graphql', async () => {
    // Yoga answers GraphQL on /graphql/, on any path ending in /graphql, and on a URL whose query
    // string ends in /graphql; none of them may skip the credentials.
    for (const path of ['/graphql/', '/x/graphql', '//graphql', '/health?next=/graphql', '/graphql?x=1']) {
      const r = await s.send(path, post({}, '{ notes { count } }'));
      expect({ path, status: r.status, body: r.body }).toEqual({ path, status: 403, body: { error: 'unauthorized' } });
    }
    const allowed = await s.send('/graphql/', post({ 'x-parse-application-id': APP_ID }, '{ notes { count } }'));
    expect(allowed.body).toEqual({ data: { notes: { count: 1 } } });
  });

  it('is required for GET queries too', async () => {
    const q = encodeURIComponent('{ notes { count } }');
    expect((await s.send(`/graphql?query=${q}`)).status).toBe(403);
    const r = await s.send(`/graphql?query=${q}`, { headers: { 'x-parse-application-id': APP_ID } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { notes: { count: 1 } } });
  });
});

describe('master key', () => {
  const classes = '{ classes { name } }';
  it('X-Parse-Master-Key with the right key → master (the schema API answers)', async () => {
    const r = await s.graphql(classes, {}, { 'x-parse-master-key': MASTER_KEY });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.classes.map((c: { name: string }) => c.name)).toContain('Note');
  });

  it('a wrong master key counts as none: anonymous, not an error of its own', async () => {
    for (const key of ['wrong', MASTER_KEY + 'x', MASTER_KEY.slice(0, -1), ' ']) {
      const r = await s.graphql(classes, {}, { 'x-parse-master-key': key });
      expect(r.status).toBe(200);
      expect(r.body.errors).toEqual([expect.objectContaining({ message: 'unauthorized: master key is required', extensions: { code: 119 } })]);
      // Anonymous can still read public objects with it.
      const read = await s.graphql('{ notes { count } }', {}, { 'x-parse-master-key': key });
      expect(read.body).toEqual({ data: { notes: { count: 1 } } });
    }
  });

  it('wins over an unknown session token (master is resolved first)', async () => {
    const r = await s.graphql(classes, {}, { 'x-parse-master-key': MASTER_KEY, 'x-parse-session-token': 'r:unknown' });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
  });
});

describe('session tokens (there are no sessions yet: every non-empty token is unknown)', () => {
  const invalid = { code: 209, error: 'Invalid session token' };

  it('an unknown X-Parse-Session-Token → HTTP 400 {"code":209,"error":"Invalid session token"}', async () => {
    const r = await s.graphql('{ health }', {}, { 'x-parse-session-token': 'r:0123456789abcdef' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(invalid);
  });

  it('an unknown Authorization: Bearer token → the same 400', async () => {
    for (const authorization of ['Bearer r:0123456789abcdef', 'bearer abc']) {
      const r = await s.graphql('{ health }', {}, { authorization });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(invalid);
    }
  });

  it('an empty token header counts as anonymous', async () => {
    const emptyHeaders: Record<string, string>[] = [
      { 'x-parse-session-token': '' },
      { 'x-parse-session-token': '   ' },
      { authorization: 'Bearer ' },
      { authorization: '' },
    ];
    for (const headers of emptyHeaders) {
      const r = await s.graphql('{ notes { count } }', {}, headers);
      expect({ headers, status: r.status, body: r.body }).toEqual({ headers, status: 200, body: { data: { notes: { count: 1 } } } });
    }
  });

  it('an empty X-Parse-Session-Token does not hide a Bearer token', async () => {
    const r = await s.graphql('{ health }', {}, { 'x-parse-session-token': '', authorization: 'Bearer abc' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(invalid);
  });

  it('other Authorization schemes are not session tokens', async () => {
    const r = await s.graphql('{ health }', {}, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(r.body).toEqual({ data: { health: true } });
  });
});

describe('CORS', () => {
  const origin = 'https://app.example.com';

  it('a preflight reflects the Origin and allows the Parse headers, without credentials', async () => {
    const r = await s.send('/graphql', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-parse-application-id,x-parse-session-token,x-parse-master-key,content-type',
      },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(origin);
    expect(r.headers.get('access-control-allow-methods')).toMatch(/POST/);
    const allowed = (r.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    for (const h of [
      'x-parse-application-id',
      'x-parse-session-token',
      'x-parse-master-key',
      'x-parse-installation-id',
      'x-parse-client-key',
      'x-parse-cloud-context',
      'authorization',
      'content-type',
    ]) {
      expect(allowed).toContain(h);
    }
  });

  it('another origin gets its own origin back', async () => {
    const r = await s.send('/graphql', { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('responses reflect the Origin — also the 403 and the 209, so that a browser app can read them', async () => {
    const ok = await s.send('/graphql', post({ origin, 'x-parse-application-id': APP_ID }));
    expect(ok.body).toEqual({ data: { health: true } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    const forbidden = await s.send('/graphql', post({ origin }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('access-control-allow-origin')).toBe(origin);
    const invalid = await s.send('/graphql', post({ origin, 'x-parse-application-id': APP_ID, 'x-parse-session-token': 'nope' }));
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe('GET /graphql, GraphiQL and /health', () => {
  it('GET /graphql runs a query given in the URL, with variables', async () => {
    const query = encodeURIComponent('query($t: String) { notes(where: { text: { equalTo: $t } }) { count } }');
    const variables = encodeURIComponent(json({ t: 'public' }));
    const r = await s.send(`/graphql?query=${query}&variables=${variables}`, { headers: { 'x-parse-application-id': APP_ID } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { notes: { count: 1 } } });
  });

  it('GET /graphql does not run mutations', async () => {
    const query = encodeURIComponent('mutation { createNote(input: { fields: { text: "via GET" } }) { note { objectId } } }');
    const r = await s.send(`/graphql?query=${query}`, { headers: { 'x-parse-application-id': APP_ID } });
    expect(r.status).toBe(405);
    expect(r.body.errors[0].message).toMatch(/mutation/i);
    const count = await s.graphql('{ notes { count } }');
    expect(count.body.data.notes.count).toBe(1);
  });

  it('a browser GET (Accept: text/html) gets GraphiQL, with every asset inline (no CDN)', async () => {
    const r = await s.send('/graphql', { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.text).toContain('<title>Plinth GraphiQL</title>');
    // No script, stylesheet or font is loaded from elsewhere: every <script> is inline, and no
    // <link> or CSS @import points to another host.
    const scriptTags = r.text.match(/<script\b[^>]*>/gi) ?? [];
    expect(scriptTags.length).toBeGreaterThan(0);
    for (const tag of scriptTags) expect(tag).not.toMatch(/\bsrc\s*=/i);
    for (const tag of r.text.match(/<link\b[^>]*>/gi) ?? []) expect(tag).not.toMatch(/href\s*=\s*["']?(https?:)?\/\//i);
    expect(r.text).not.toMatch(/@import\s+(url\()?["']?(https?:)?\/\//i);
    expect(r.text).not.toMatch(/unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|esm\.sh|fonts\.googleapis\.com/);
    // It talks to this endpoint and pre-fills the app id header.
    expect(r.text).toContain(APP_ID);
  });

  it('the GraphiQL page needs no app id, but does not run the query in its URL', async () => {
    const query = encodeURIComponent('{ notes { count } }');
    const r = await s.send(`/graphql?query=${query}`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.text).not.toContain('"count"');
  });

  it('/health answers 200 without credentials', async () => {
    const r = await s.send('/health');
    expect(r.status).toBe(200);
  });

  it('the health root field answers too', async () => {
    const r = await s.graphql('{ health }');
    expect(r.body).toEqual({ data: { health: true } });
  });
});
