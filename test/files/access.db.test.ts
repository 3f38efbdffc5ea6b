import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import { FileLinks, UPLOADER_METADATA_KEY } from '../../src/files/access/index.ts';
import { FILES_BASE, MASTER_KEY, signUp, startFilesServer, type FilesServer } from './serve-harness.ts';

/** PLINTH_FILES_ACCESS=objects: files follow the access of the objects that refer to them. */

const TTL = 600;
const PREFIX = 'fedcba9876543210fedcba9876543210_';
const SECRET = `${PREFIX}secret.pdf`;
const PHOTO = `${PREFIX}photo.png`;

let s: FilesServer;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
const as = (user: { token: string }) => ({ 'x-parse-session-token': user.token });

/** The url of a Doc's `attachment` as `headers` read it (null when the object is not readable). */
async function attachmentUrl(headers: Record<string, string>, title: string): Promise<string | null> {
  const r = await s.gql(`query($t: String!) { docs(where: { title: { equalTo: $t } }) { edges { node { attachment { url } } } } }`, { t: title }, headers);
  expect(r.errors).toBeUndefined();
  return r.data.docs.edges[0]?.node.attachment?.url ?? null;
}

beforeAll(async () => {
  s = await startFilesServer({ filesAccess: { mode: 'objects', urlTtlSeconds: TTL } });
  alice = await signUp(s, 'alice');
  bob = await signUp(s, 'bob');
  s.storage.add(SECRET, 'alice only', 'application/pdf', { metadata: { [UPLOADER_METADATA_KEY]: alice.id } });
  s.storage.add(PHOTO, 'everyone', 'image/png');
  await s.ok(
    `mutation { createClass(input: { name: "Doc", schemaFields: { addStrings: [{ name: "title" }], addFiles: [{ name: "attachment" }] } }) { class { name } } }`,
  );
  await s.ok(
    `mutation($a: ID!, $f: File!) { createDoc(input: { fields: { title: "private", attachment: { file: $f },
       ACL: { users: [{ userId: $a, read: true, write: true }] } } }) { doc { id } } }`,
    { a: alice.id, f: SECRET },
  );
  await s.ok(`mutation($f: File!) { createDoc(input: { fields: { title: "public", attachment: { file: $f } } }) { doc { id } } }`, { f: PHOTO });
});
afterAll(() => s?.close());
afterEach(() => void vi.useRealTimers());

describe('signed URLs', () => {
  it('a user who can read the object gets a signed URL that serves the file, cached privately', async () => {
    const url = (await attachmentUrl(as(alice), 'private'))!;
    expect(url).toMatch(new RegExp(`^${FILES_BASE}/${PREFIX}secret\\.pdf\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));
    const r = await s.http(url);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('alice only');
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(r.headers.get('cache-control')!)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(TTL + TTL / 10);
    // Ranges and conditional requests work on signed URLs too.
    expect((await s.http(url, { headers: { range: 'bytes=0-4' } })).status).toBe(206);
    expect((await s.http(url, { headers: { 'if-none-match': r.headers.get('etag')! } })).status).toBe(304);
  });

  it('the same URL is handed out again within a step (browsers can cache it)', async () => {
    expect(await attachmentUrl(as(alice), 'private')).toBe(await attachmentUrl(as(alice), 'private'));
  });

  it('another user cannot read the object, so gets no URL', async () => {
    expect(await attachmentUrl(as(bob), 'private')).toBeNull();
    expect(await attachmentUrl({}, 'private')).toBeNull();
  });

  it('a URL without a signature is refused (403), unless the master key asks', async () => {
    const plain = `${FILES_BASE}/${encodeURIComponent(SECRET)}`;
    const refused = await s.http(plain);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ code: 119, error: 'Permission denied' });
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const master = await s.http(plain, { headers: { 'x-parse-master-key': MASTER_KEY } });
    expect(master.status).toBe(200);
    expect(master.headers.get('cache-control')).toBe('private, no-store');
    expect((await s.http(plain, { headers: { 'x-parse-master-key': 'wrong' } })).status).toBe(403);
  });

  it('a tampered signature, expiry or name is refused, the same way whether the file exists or not', async () => {
    const url = new URL((await attachmentUrl(as(alice), 'private'))!);
    const sig = url.searchParams.get('sig')!;
    const exp = url.searchParams.get('exp')!;
    const variants = [
      `${url.origin}${url.pathname}?exp=${exp}&sig=${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
      `${url.origin}${url.pathname}?exp=${Number(exp) + 3600}&sig=${sig}`,
      `${url.origin}${url.pathname}?exp=${exp}`,
      `${url.origin}${url.pathname}?sig=${sig}`,
      `${FILES_BASE}/${encodeURIComponent(PHOTO)}?exp=${exp}&sig=${sig}`,
      `${FILES_BASE}/${PREFIX}missing.pdf?exp=${exp}&sig=${sig}`,
    ];
    const bodies = new Set<string>();
    for (const v of variants) {
      const r = await s.http(v);
      expect(r.status, v).toBe(403);
      bodies.add(await r.text());
    }
    expect(bodies.size).toBe(1);
    expect(s.storage.touched().filter((t) => t.endsWith('missing.pdf'))).toEqual([]);
  });

  it('a URL someone else obtained works until it expires, then is refused', async () => {
    const url = (await attachmentUrl(as(alice), 'private'))!;
    // Bob has the URL (shared, leaked): it is a bearer capability until its expiry.
    expect((await s.http(url, { headers: as(bob) })).status).toBe(200);
    const exp = Number(new URL(url).searchParams.get('exp'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((exp - 1) * 1000);
    expect((await s.http(url)).status).toBe(200);
    vi.setSystemTime(exp * 1000);
    expect((await s.http(url)).status).toBe(403);
    // Alice reads the object again and gets a fresh URL.
    const fresh = (await attachmentUrl(as(alice), 'private'))!;
    expect(fresh).not.toBe(url);
    expect((await s.http(fresh)).status).toBe(200);
  });

  it('files of public objects get signed URLs too (anyone who reads the object)', async () => {
    const url = (await attachmentUrl({}, 'public'))!;
    expect(url).toContain('sig=');
    expect((await s.http(url)).status).toBe(200);
  });
});

describe('linking a stored name ({file: name}) in objects mode', () => {
  const mayLink = (auth: Auth, name: string) => s.plinth.fileLinks!.mayLink(auth, name);
  const aliceAuth = () => Auth.user(alice.id);
  const bobAuth = () => Auth.user(bob.id);

  it('is refused for a file only objects the caller cannot read refer to', async () => {
    expect(await mayLink(bobAuth(), SECRET)).toBe(false);
    expect(await mayLink(Auth.anonymous(), SECRET)).toBe(false);
    await expect(s.plinth.fileLinks!.check(bobAuth(), [SECRET])).rejects.toMatchObject({ code: 119 });
  });

  it('is allowed to a caller who can read an object referring to it, and to the master key', async () => {
    expect(await mayLink(aliceAuth(), SECRET)).toBe(true);
    expect(await mayLink(bobAuth(), PHOTO)).toBe(true);
    expect(await mayLink(Auth.master(), SECRET)).toBe(true);
    await s.plinth.fileLinks!.check(aliceAuth(), [SECRET, PHOTO]);
  });

  it('an unreferenced upload: its uploader only; anyone when it was uploaded without a session; never a missing file', async () => {
    const bobs = `${PREFIX}bob-upload.png`;
    const anonymous = `${PREFIX}anonymous-upload.png`;
    s.storage.add(bobs, 'b', 'image/png', { metadata: { [UPLOADER_METADATA_KEY]: bob.id } });
    s.storage.add(anonymous, 'a', 'image/png');
    expect(await mayLink(bobAuth(), bobs)).toBe(true);
    expect(await mayLink(aliceAuth(), bobs)).toBe(false);
    expect(await mayLink(aliceAuth(), anonymous)).toBe(true);
    expect(await mayLink(aliceAuth(), `${PREFIX}nothing.png`)).toBe(false);
  });

  it('a File field protected from the caller does not count as readable', async () => {
    const open = { '*': true };
    const clp = { find: open, get: open, count: open, create: open, update: open, delete: open, addField: open, protectedFields: { '*': ['scan'] } };
    await s.ok(
      `mutation($clp: Object!) { createClass(input: { name: "Card", schemaFields: { addFiles: [{ name: "scan" }] }, classLevelPermissions: $clp }) { class { name } } }`,
      { clp },
    );
    const scan = `${PREFIX}scan.png`;
    s.storage.add(scan, 's', 'image/png');
    await s.ok(`mutation($f: File!) { createCard(input: { fields: { scan: { file: $f } } }) { card { id } } }`, { f: scan });
    expect(await mayLink(bobAuth(), scan)).toBe(false);
  });

  it('every write path checks it: a create or update linking a file the caller cannot read is refused (119)', async () => {
    const create = `mutation($f: File!, $t: String!) { createDoc(input: { fields: { title: $t, attachment: { file: $f } } }) { doc { id attachment { url } } } }`;
    const stolen = await s.gql(create, { f: SECRET, t: 'bob steals' }, as(bob));
    expect(stolen.errors?.[0]).toMatchObject({ message: `Permission denied: the file ${SECRET} cannot be linked.`, extensions: { code: 119 } });
    expect(await attachmentUrl(as(bob), 'bob steals')).toBeNull();
    const missing = await s.gql(create, { f: `${PREFIX}nothing.pdf`, t: 'bob guesses' }, as(bob));
    expect(missing.errors?.[0]).toMatchObject({ message: `Permission denied: the file ${PREFIX}nothing.pdf cannot be linked.` });
    const own = await s.gql(create, { f: PHOTO, t: 'bob shares' }, as(bob));
    expect(own.errors).toBeUndefined();
    const update = await s.gql(
      `mutation($id: ID!, $f: File!) { updateDoc(input: { id: $id, fields: { attachment: { file: $f } } }) { doc { id } } }`,
      { id: own.data.createDoc.doc.id, f: SECRET },
      as(bob),
    );
    expect(update.errors?.[0]).toMatchObject({ extensions: { code: 119 } });
    const alices = await s.gql(create, { f: SECRET, t: 'alice again' }, as(alice));
    expect(alices.errors).toBeUndefined();
  });

  it('public mode allows every link, as Parse does', async () => {
    const links = new FileLinks({ mode: 'public', db: s.plinth.db, schema: s.plinth.schemaStore, storage: s.storage });
    expect(await links.mayLink(Auth.anonymous(), SECRET)).toBe(true);
  });
});
