import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createPlinth } from '../../src/server/app.ts';
import { listen, type RunningServer } from '../../src/server/http.ts';
import { TrustedDocuments } from '../../src/server/plugins/use-trusted-documents.ts';
import type { Database } from '../../src/db/index.ts';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { stream } from '../live/ws-server.ts';

// PLINTH_TRUSTED_DOCUMENTS: a JSON map of hash → document (graphql-codegen's persisted
// documents). Callers without the master key run only those documents — by id (GraphQL over
// HTTP's `documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`) or by exact text.

const COUNT_NOTES = 'query CountNotes { notes { count } }';
const CREATE_NOTE = 'mutation CreateNote($text: String) { createNote(input: { fields: { text: $text } }) { note { text } } }';
const NOTE_EVENTS = 'subscription { notes(first: 1) { count } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let dir: string;
let server: TestServer;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'plinth-trusted-'));
  // Keys as codegen writes them: bare hashes; one with the `sha256:` prefix as well.
  const file = path.join(dir, 'persisted-documents.json');
  writeFileSync(
    file,
    JSON.stringify({ [sha256(COUNT_NOTES)]: COUNT_NOTES, [`sha256:${sha256(CREATE_NOTE)}`]: CREATE_NOTE, [sha256(NOTE_EVENTS)]: NOTE_EVENTS }),
  );
  server = await startTestServer({ ops: { trustedDocumentsFile: file } });
  await server.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { clientMutationId } }`);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await server.plinth.fetch(
    new Request('http://plinth.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers },
      body: JSON.stringify(body),
    }),
  );
  return { status: res.status, body: await res.json() };
}

const NOT_ALLOWED = {
  status: 400,
  body: { errors: [{ message: 'PersistedQueryOnly: this server runs only trusted documents', extensions: { code: 'PERSISTED_QUERY_ONLY' } }] },
};
const NOT_FOUND = { status: 200, body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] } };

describe('callers without the master key', () => {
  it('run a trusted document by its GraphQL-over-HTTP documentId (sha256:<hash>, or the map key as written)', async () => {
    expect(await post({ documentId: `sha256:${sha256(COUNT_NOTES)}` })).toEqual({ status: 200, body: { data: { notes: { count: 0 } } } });
    expect(await post({ documentId: sha256(COUNT_NOTES) })).toEqual({ status: 200, body: { data: { notes: { count: 0 } } } });
    // A key written with the prefix is found by the bare hash too.
    expect(await post({ documentId: sha256(CREATE_NOTE), variables: { text: 'a' } })).toEqual({
      status: 200,
      body: { data: { createNote: { note: { text: 'a' } } } },
    });
  });

  it("run a trusted document by Apollo's extensions.persistedQuery.sha256Hash", async () => {
    const r = await post({
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(CREATE_NOTE) } },
      variables: { text: 'b' },
      operationName: 'CreateNote',
    });
    expect(r).toEqual({ status: 200, body: { data: { createNote: { note: { text: 'b' } } } } });
  });

  it('run a trusted query by GET with documentId in the URL', async () => {
    const res = await server.plinth.fetch(
      new Request(`http://plinth.test/graphql?documentId=sha256:${sha256(COUNT_NOTES)}`, { headers: { 'x-parse-application-id': APP_ID } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { notes: { count: 2 } } });
  });

  it('run a trusted document sent as its exact text', async () => {
    expect(await post({ query: COUNT_NOTES })).toEqual({ status: 200, body: { data: { notes: { count: 2 } } } });
  });

  it('are refused any other text, even one that differs only in spacing, with a session or without', async () => {
    for (const query of ['{ notes { count } }', COUNT_NOTES + ' ', '{ health }', `mutation { createClass(input: { name: "Evil" }) { clientMutationId } }`]) {
      expect(await post({ query })).toEqual(NOT_ALLOWED);
    }
    // A wrong master key counts as none.
    expect(await post({ query: '{ health }' }, { 'x-parse-master-key': 'not-the-key' })).toEqual(NOT_ALLOWED);
  });

  it('get PersistedQueryNotFound for an unknown id (an automatic persisted query client then sends the text)', async () => {
    expect(await post({ documentId: `sha256:${sha256('{ health }')}` })).toEqual(NOT_FOUND);
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ health }') } } })).toEqual(NOT_FOUND);
  });

  it('get the usual error when the request names no document at all', async () => {
    const r = await post({ variables: {} });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].message).toBe('Must provide query string.');
  });
});

describe('the master key', () => {
  it('may send any document', async () => {
    const r = await post({ query: `mutation { createClass(input: { name: "Extra" }) { class { name } } }` }, { 'x-parse-master-key': MASTER_KEY });
    expect(r).toEqual({ status: 200, body: { data: { createClass: { class: { name: 'Extra' } } } } });
  });

  it('runs trusted documents by id too, and gets PersistedQueryNotFound for an unknown one', async () => {
    expect((await post({ documentId: sha256(COUNT_NOTES) }, { 'x-parse-master-key': MASTER_KEY })).body).toEqual({ data: { notes: { count: 2 } } });
    expect(await post({ documentId: 'sha256:0000' }, { 'x-parse-master-key': MASTER_KEY })).toEqual(NOT_FOUND);
  });
});

describe('over graphql-ws', () => {
  let running: RunningServer;
  const clients: Client[] = [];
  const client = (params: Record<string, unknown> = {}) => {
    const c = createClient({
      url: running.url.replace(/^http:/, 'ws:'),
      webSocketImpl: WebSocket,
      connectionParams: { applicationId: APP_ID, ...params },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    running = await listen(server.plinth, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await running.ws.close(100);
    await new Promise<void>((resolve) => running.server.close(() => resolve()));
  });

  it('a persisted operation (an empty query and its hash) runs, queries and subscriptions alike', async () => {
    const c = client();
    // graphql-ws requires a query string: the id travels in the extensions.
    const query = await new Promise((resolve, reject) => {
      let result: unknown;
      c.subscribe(
        { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(COUNT_NOTES) } } },
        { next: (r) => (result = r), error: reject, complete: () => resolve(result) },
      );
    });
    expect(query).toEqual({ data: { notes: { count: 2 } } });
    const events = await new Promise((resolve, reject) => {
      const stop = c.subscribe(
        { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(NOTE_EVENTS) } } },
        { next: (r) => (stop(), resolve(r)), error: reject, complete: () => undefined },
      );
    });
    expect(events).toEqual({ data: { notes: { count: 2 } } });
  });

  it('a trusted text runs; any other is refused without the master key, and runs with it', async () => {
    const anonymous = stream(client(), COUNT_NOTES);
    expect(await anonymous.next(1)).toEqual({ data: { notes: { count: 2 } } });
    const refused = stream(client(), '{ health }');
    await refused.ended();
    expect(refused.error).toEqual([
      expect.objectContaining({ message: 'PersistedQueryOnly: this server runs only trusted documents', extensions: { code: 'PERSISTED_QUERY_ONLY' } }),
    ]);
    const master = stream(client({ masterKey: MASTER_KEY }), '{ health }');
    expect(await master.next(1)).toEqual({ data: { health: true } });
  });
});

describe('the file', () => {
  it('is checked first at start-up: a bad file stops the server, naming it, before the database is used', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"a": "{ notes { "}');
    const used: string[] = [];
    const db = new Proxy(
      { close: async () => undefined },
      { get: (target, key) => (key === 'close' ? target.close : (used.push(String(key)), undefined)) },
    ) as unknown as Database;
    const config = loadConfig(
      {},
      { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'silent', ops: { trustedDocumentsFile: file } },
    );
    await expect(createPlinth(config, { db })).rejects.toThrow(/PLINTH_TRUSTED_DOCUMENTS: the document "a" in .*bad\.json is not GraphQL/);
    expect(used).toEqual([]);
  });

  it('must be a JSON object of strings, each a GraphQL document', () => {
    const cases: [string, RegExp][] = [
      ['[]', /must hold a JSON object of id → document/],
      ['{"a": 1}', /the document "a" in .* is not a string/],
      ['not json', /cannot read .*bad\.json/],
    ];
    const file = path.join(dir, 'bad.json');
    for (const [text, message] of cases) {
      writeFileSync(file, text);
      expect(() => TrustedDocuments.load(file)).toThrow(message);
    }
    expect(() => TrustedDocuments.load(path.join(dir, 'missing.json'))).toThrow(/cannot read .*missing\.json/);
  });

  it('is named by PLINTH_TRUSTED_DOCUMENTS (made absolute)', () => {
    const config = loadConfig({ PLINTH_MASTER_KEY: MASTER_KEY, PLINTH_TRUSTED_DOCUMENTS: 'docs/persisted.json', PLINTH_DATA_DIR: '/tmp/plinth-test-unused' });
    expect(config.ops.trustedDocumentsFile).toBe(path.resolve('docs/persisted.json'));
    expect(loadConfig({ PLINTH_MASTER_KEY: MASTER_KEY, PLINTH_DATA_DIR: '/tmp/plinth-test-unused' }).ops.trustedDocumentsFile).toBeUndefined();
  });
});
