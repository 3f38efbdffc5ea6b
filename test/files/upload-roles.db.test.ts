import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MASTER, session, STORED, startUploadServer, type UploadRequest, type UploadServer } from './upload-harness.ts';

// Who may upload, on every path a file can arrive by: createFile, a File field of a create, of
// an update, and of a nested createAndLink — with Parse's options, defaults and exact messages,
// decided before a byte is stored.

const CREATE_FILE = 'mutation($f: Upload!) { createFile(input: { upload: $f }) { fileInfo { name url } } }';
const CREATE_DOC =
  'mutation($f: Upload) { createDoc(input: { fields: { title: "t", attachment: { upload: $f } } }) { doc { objectId attachment { name url } } } }';
const UPDATE_DOC =
  'mutation($id: ID!, $f: Upload) { updateDoc(input: { id: $id, fields: { attachment: { upload: $f } } }) { doc { attachment { name url } } } }';
const CREATE_FOLDER =
  'mutation($f: Upload) { createFolder(input: { fields: { doc: { createAndLink: { title: "n", attachment: { upload: $f } } } } }) { folder { doc { attachment { name url } } } } }';

type Path = 'createFile' | 'create' | 'update' | 'createAndLink';
type Role = 'public' | 'anonymous' | 'user' | 'master';

async function setUpClasses(s: UploadServer): Promise<void> {
  await s.ok(
    `mutation { createClass(input: { name: "Doc", schemaFields: { addStrings: [{ name: "title" }], addFiles: [{ name: "attachment" }] } }) { class { name } } }`,
  );
  await s.ok(
    `mutation { createClass(input: { name: "Folder", schemaFields: { addPointers: [{ name: "doc", targetClassName: "Doc" }] } }) { class { name } } }`,
  );
}

/** A Doc everyone may update (for the update path). */
async function openDoc(s: UploadServer): Promise<string> {
  const data = await s.ok('mutation { createDoc(input: { fields: { title: "open", ACL: { public: { read: true, write: true } } } }) { doc { id } } }');
  return data.createDoc.doc.id;
}

function request(path: Path, docId: string): UploadRequest {
  const file = { filename: 'notes.txt', type: 'text/plain', content: 'some notes' };
  const map = { 0: ['variables.f'] };
  switch (path) {
    case 'createFile':
      return { query: CREATE_FILE, variables: { f: null }, map, files: [file] };
    case 'create':
      return { query: CREATE_DOC, variables: { f: null }, map, files: [file] };
    case 'update':
      return { query: UPDATE_DOC, variables: { id: docId, f: null }, map, files: [file] };
    case 'createAndLink':
      return { query: CREATE_FOLDER, variables: { f: null }, map, files: [file] };
  }
}

/** The FileInfo the path answers with. */
function fileInfoOf(path: Path, data: any): { name: string; url: string } {
  switch (path) {
    case 'createFile':
      return data.createFile.fileInfo;
    case 'create':
      return data.createDoc.doc.attachment;
    case 'update':
      return data.updateDoc.doc.attachment;
    case 'createAndLink':
      return data.createFolder.folder.doc.attachment;
  }
}

const PATHS: Path[] = ['createFile', 'create', 'update', 'createAndLink'];

describe("who may upload, with Parse's defaults", () => {
  let s: UploadServer;
  let headers: Record<Role, Record<string, string>>;
  let docId: string;
  beforeAll(async () => {
    s = await startUploadServer();
    await setUpClasses(s);
    docId = await openDoc(s);
    headers = { public: {}, anonymous: session((await s.anonymous()).token), user: session((await s.signUp()).token), master: MASTER };
  });
  afterAll(() => s?.close());
  beforeEach(() => s.storage.files.clear());

  const refused: Partial<Record<Role, string>> = {
    public: 'File upload by public is disabled.',
    anonymous: 'File upload by anonymous user is disabled.',
  };
  for (const role of ['public', 'anonymous', 'user', 'master'] as Role[]) {
    for (const path of PATHS) {
      const message = refused[role];
      it(`${role} × ${path}: ${message ?? 'stored'}`, async () => {
        const r = await s.upload(request(path, docId), headers[role]);
        if (message) {
          expect(r.status).toBe(400);
          expect(r.body).toEqual({ errors: [{ message, extensions: { code: 130 } }] });
          expect(s.storage.puts).toBeGreaterThanOrEqual(0);
          expect(s.storage.names()).toEqual([]);
          return;
        }
        expect(r.errors).toBeUndefined();
        const info = fileInfoOf(path, r.data);
        expect(info.name).toMatch(STORED('notes.txt'));
        expect(info.url).toBe(`http://plinth.test/files/test-app/${info.name}`);
        expect(s.storage.names()).toEqual([info.name]);
        expect(s.storage.text(info.name)).toBe('some notes');
      });
    }
  }

  it('no storage put starts for a refused caller (decided before a byte is stored)', async () => {
    const before = s.storage.puts;
    await s.upload(request('createFile', docId), headers.public);
    await s.upload(request('create', docId), headers.anonymous);
    expect(s.storage.puts).toBe(before);
  });

  it('a stored file reads back as FileInfo {name url}, and can be set by name or as Parse JSON', async () => {
    const r = await s.upload(request('createFile', docId), headers.user);
    const { name, url } = r.data.createFile.fileInfo;
    const byName = await s.gql('mutation($n: File) { createDoc(input: { fields: { attachment: { file: $n } } }) { doc { id } } }', { n: name }, headers.user);
    const byJson = await s.gql(
      'mutation($n: File) { createDoc(input: { fields: { attachment: { file: $n } } }) { doc { id } } }',
      { n: { __type: 'File', name, url } },
      headers.user,
    );
    for (const created of [byName, byJson]) {
      const id = created.data.createDoc.doc.id;
      const read = await s.gql('query($id: ID!) { doc(id: $id) { attachment { name url } } }', { id }, headers.user);
      expect(read.data.doc.attachment).toEqual({ name, url });
    }
  });

  it('a File input with neither file nor upload: 130 Invalid file upload.', async () => {
    const r = await s.gql('mutation { createDoc(input: { fields: { attachment: {} } }) { doc { id } } }', {}, headers.user);
    expect(r.errors?.[0]).toMatchObject({ message: 'Invalid file upload.', extensions: { code: 130 } });
  });

  it('an Upload value sent as JSON (a forged token) is refused: 130, nothing claimed', async () => {
    const name = (await s.upload(request('createFile', docId), headers.user)).data.createFile.fileInfo.name;
    for (const forged of [name, 'upload-0', { name }, 0]) {
      const r = await s.gql(CREATE_FILE, { f: forged }, headers.user);
      expect(r.errors?.[0]).toMatchObject({ message: 'Invalid file upload.', extensions: { code: 130 } });
      const nested = await s.gql(CREATE_DOC, { f: forged }, headers.user);
      expect(nested.errors?.[0]).toMatchObject({ message: 'Invalid file upload.', extensions: { code: 130 } });
    }
  });

  it('a literal Upload in the document is refused', async () => {
    const r = await s.gql('mutation { createFile(input: { upload: "x" }) { fileInfo { name } } }', {}, headers.user);
    expect(r.errors?.[0].message).toMatch(/Upload values must be sent as multipart variables/);
  });
});

describe('upload options', () => {
  const cases: { name: string; files: Record<string, boolean>; role: Role; message?: string }[] = [
    { name: 'PLINTH_FILE_UPLOAD_PUBLIC lets the public upload', files: { uploadPublic: true }, role: 'public' },
    { name: 'PLINTH_FILE_UPLOAD_ANONYMOUS lets anonymous users upload', files: { uploadAnonymous: true }, role: 'anonymous' },
    {
      name: 'PLINTH_FILE_UPLOAD_AUTHENTICATED=false refuses users',
      files: { uploadAuthenticated: false },
      role: 'user',
      message: 'File upload by authenticated user is disabled.',
    },
    {
      name: 'with both kinds of user refused, an anonymous user hears its own message',
      files: { uploadAuthenticated: false },
      role: 'anonymous',
      message: 'File upload by anonymous user is disabled.',
    },
    { name: 'the master key uploads whatever the options say', files: { uploadAuthenticated: false, uploadPublic: false }, role: 'master' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = await startUploadServer({ files: c.files });
      try {
        const headers: Record<Role, () => Promise<Record<string, string>>> = {
          public: async () => ({}),
          anonymous: async () => session((await s.anonymous()).token),
          user: async () => session((await s.signUp()).token),
          master: async () => MASTER,
        };
        const r = await s.upload(request('createFile', ''), await headers[c.role]());
        if (c.message) {
          expect(r.body).toEqual({ errors: [{ message: c.message, extensions: { code: 130 } }] });
          expect(s.storage.names()).toEqual([]);
        } else {
          expect(r.errors).toBeUndefined();
          expect(s.storage.names()).toEqual([r.data.createFile.fileInfo.name]);
        }
      } finally {
        await s.close();
      }
    });
  }

  it('PLINTH_FILES_ADAPTER=none: 130 File uploads are not enabled on this server.', async () => {
    const { loadConfig } = await import('../../src/config/index.ts');
    const { createPlinth } = await import('../../src/server/app.ts');
    const { createTestDatabase } = await import('../helpers/database.ts');
    const { APP_ID, MASTER_KEY } = await import('../helpers/server.ts');
    const { multipartBody } = await import('./upload-harness.ts');
    const { Readable } = await import('node:stream');
    const database = await createTestDatabase();
    const plinth = await createPlinth(
      loadConfig({ PLINTH_FILES_ADAPTER: 'none' }, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'silent' }),
      { db: database.db },
    );
    try {
      const res = await plinth.fetch(
        new Request('http://plinth.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=b0', 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY },
          body: Readable.toWeb(Readable.from(multipartBody(request('createFile', ''), 'b0'))) as unknown as ReadableStream,
          duplex: 'half',
        } as RequestInit),
      );
      expect(await res.json()).toEqual({ errors: [{ message: 'File uploads are not enabled on this server.', extensions: { code: 130 } }] });
    } finally {
      await plinth.close();
      if (database.kind === 'postgres') await database.drop();
    }
  });
});
