import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, LOG_IN, SIGN_UP, startAuthServer, VIEWER, type AuthServer, type SendOptions } from '../auth/helpers.ts';
import { restClient } from '../helpers/rest.ts';

// `_Installation` as Parse Server serves it (RestWrite.handleInstallation, enforceRoleSecurity),
// through the GraphQL API: clients create and update installations without a session but never
// list, count or delete them; a device saved again merges into its installation; a device token
// belongs to one installation.

let s: AuthServer;

const CREATE = `mutation($fields: CreateInstallationFieldsInput) {
  createInstallation(input: { fields: $fields }) { installation { objectId createdAt updatedAt installationId deviceToken deviceType appName appVersion } }
}`;
const UPDATE = `mutation($id: ID!, $fields: UpdateInstallationFieldsInput) {
  updateInstallation(input: { id: $id, fields: $fields }) { installation { objectId installationId deviceToken deviceType appVersion } }
}`;
const DELETE = `mutation($id: ID!) { deleteInstallation(input: { id: $id }) { installation { objectId } } }`;
const GET = `query($id: ID!) { installation(id: $id) { objectId installationId deviceType } }`;
const FIND = `{ installations { edges { node { objectId } } } }`;
const COUNT = `{ installations { count } }`;

const FIND_REFUSED = "Clients aren't allowed to perform the find operation on the installation collection.";
const DELETE_REFUSED = "Clients aren't allowed to perform the delete operation on the installation collection.";
const IOS_TOKEN = () => randomUUID().replaceAll('-', '').repeat(2);

interface Row {
  objectId: string;
  installationId: string | null;
  deviceToken: string | null;
  deviceType: string | null;
  appIdentifier: string | null;
  appName: string | null;
  appVersion: string | null;
}

/** The stored installations that hold one of these installation ids or device tokens. */
async function rowsWith(...keys: string[]): Promise<Row[]> {
  return s.plinth.db.query<Row & Record<string, unknown>>(
    `SELECT "objectId", "installationId", "deviceToken", "deviceType", "appIdentifier", "appName", "appVersion" FROM "_Installation"
     WHERE lower("installationId") = ANY($1::text[]) OR "deviceToken" = ANY($1::text[]) ORDER BY "createdAt", "objectId"`,
    [keys.map((k) => k.toLowerCase()).concat(keys)],
  );
}

async function create(fields: Record<string, unknown>, options: SendOptions = {}): Promise<Record<string, any>> {
  const r = await s.gql(CREATE, { fields }, options);
  expect(r.errors, r.text).toBeUndefined();
  return r.data.createInstallation.installation;
}

beforeAll(async () => {
  s = await startAuthServer();
});
afterAll(() => s?.close());

describe('creating and updating installations (clients, no session)', () => {
  it('creates an installation without a session, its installationId lower-cased', async () => {
    const id = randomUUID().toUpperCase();
    const made = await create({ installationId: id, deviceType: 'android', appName: 'Demo' });
    expect(made).toMatchObject({ installationId: id.toLowerCase(), deviceType: 'android', appName: 'Demo' });
    expect(await rowsWith(id)).toMatchObject([{ objectId: made.objectId, installationId: id.toLowerCase(), deviceType: 'android' }]);
  });

  it('updates an installation by objectId', async () => {
    const made = await create({ installationId: randomUUID(), deviceType: 'ios' });
    const r = await s.gql(UPDATE, { id: made.objectId, fields: { appVersion: '1.1', deviceType: 'ios' } });
    expect(r.errors, r.text).toBeUndefined();
    expect(r.data.updateInstallation.installation).toMatchObject({ objectId: made.objectId, appVersion: '1.1' });
  });

  it('merges a create whose installationId exists (in any case) into that installation', async () => {
    const id = randomUUID();
    const first = await create({ installationId: id, deviceType: 'android', appName: 'Demo', appVersion: '1' });
    const again = await create({ installationId: id.toUpperCase(), appVersion: '2' });
    // The installation as it is after the merge, fields the second save did not give included.
    expect(again).toMatchObject({
      objectId: first.objectId,
      createdAt: first.createdAt,
      installationId: id,
      deviceType: 'android',
      appName: 'Demo',
      appVersion: '2',
    });
    expect(again.updatedAt >= first.updatedAt).toBe(true);
    expect(await rowsWith(id)).toMatchObject([{ objectId: first.objectId, appName: 'Demo', appVersion: '2' }]);
  });

  it('takes the X-Parse-Installation-Id header as the installationId of a create without one', async () => {
    const id = randomUUID().toUpperCase();
    const headers = { 'x-parse-installation-id': id };
    const made = await create({ deviceType: 'ios' }, { headers });
    expect(made.installationId).toBe(id.toLowerCase());
    // Saved again from the same device (no deviceType: not a new installation): the same one.
    const again = await create({ appVersion: '5' }, { headers });
    expect(again).toMatchObject({ objectId: made.objectId, appVersion: '5', deviceType: 'ios' });
    expect(await rowsWith(id)).toHaveLength(1);
  });

  it('ends concurrent creates of one installation with one row, every save answered', async () => {
    const id = randomUUID();
    const answers = await Promise.all(
      [0, 1, 2, 3, 4].map((n) => s.gql(CREATE, { fields: { installationId: n % 2 ? id.toUpperCase() : id, deviceType: 'ios', appVersion: String(n) } })),
    );
    for (const r of answers) expect(r.errors, r.text).toBeUndefined();
    const ids = new Set(answers.map((r) => r.data.createInstallation.installation.objectId));
    expect(ids.size).toBe(1);
    expect(await rowsWith(id)).toMatchObject([{ objectId: [...ids][0] }]);
  });
});

describe('required and immutable fields', () => {
  it('needs a deviceType for a new installation (135)', async () => {
    expectCode(await s.gql(CREATE, { fields: { installationId: randomUUID() } }), 135, 'deviceType must be specified in this operation');
  });

  it('needs an installationId or a device token (135), the header counting for clients only', async () => {
    const message = 'at least one ID field (deviceToken, installationId) must be specified in this operation';
    expectCode(await s.gql(CREATE, { fields: { deviceType: 'ios', appName: 'x' } }), 135, message);
    const headers = { 'x-parse-installation-id': randomUUID() };
    expectCode(await s.gql(CREATE, { fields: { deviceType: 'ios' } }, { master: true, headers }), 135, message);
  });

  it('never changes installationId or deviceType (136), not even with the master key', async () => {
    const made = await create({ installationId: randomUUID(), deviceType: 'android' });
    const installationId = 'installationId may not be changed in this operation';
    const deviceType = 'deviceType may not be changed in this operation';
    expectCode(await s.gql(UPDATE, { id: made.objectId, fields: { installationId: randomUUID() } }), 136, installationId);
    expectCode(await s.gql(UPDATE, { id: made.objectId, fields: { installationId: null } }), 136, installationId);
    expectCode(await s.gql(UPDATE, { id: made.objectId, fields: { deviceType: 'ios' } }), 136, deviceType);
    expectCode(await s.gql(UPDATE, { id: made.objectId, fields: { installationId: randomUUID() } }, { master: true }), 136, installationId);
    expectCode(await s.gql(UPDATE, { id: made.objectId, fields: { deviceType: 'ios' } }, { master: true }), 136, deviceType);
    // The same values, in any case, are no change.
    const same = await s.gql(UPDATE, { id: made.objectId, fields: { installationId: made.installationId.toUpperCase(), deviceType: 'android' } });
    expect(same.errors, same.text).toBeUndefined();
  });

  it('answers 101 for an installation that does not exist, before any other check', async () => {
    expectCode(await s.gql(UPDATE, { id: 'missing1234', fields: { deviceType: 'ios' } }), 101);
  });
});

describe('who may read and delete installations', () => {
  let made: Record<string, any>;
  let user: string;

  beforeAll(async () => {
    made = await create({ installationId: randomUUID(), deviceType: 'ios' });
    user = (await s.ok(SIGN_UP, { fields: { username: `reader-${randomUUID()}`, password: 'secret pass' } })).signUp.viewer.sessionToken;
  });

  it.each([
    ['a client without a session', false],
    ['a logged-in user', true],
  ])('refuses %s find, count and delete (119), and allows get', async (_who, loggedIn) => {
    const options: SendOptions = loggedIn ? { token: user } : {};
    expectCode(await s.gql(FIND, {}, options), 119, FIND_REFUSED);
    expectCode(await s.gql(COUNT, {}, options), 119, FIND_REFUSED);
    expectCode(await s.gql(DELETE, { id: made.objectId }, options), 119, DELETE_REFUSED);
    const got = await s.gql(GET, { id: made.objectId }, options);
    expect(got.errors, got.text).toBeUndefined();
    expect(got.data.installation).toEqual({ objectId: made.objectId, installationId: made.installationId, deviceType: 'ios' });
  });

  it('lets the master key find, count and delete', async () => {
    const found = await s.ok(
      `{ installations(where: { objectId: { equalTo: "${made.objectId}" } }) { count edges { node { objectId } } } }`,
      {},
      { master: true },
    );
    expect(found.installations).toEqual({ count: 1, edges: [{ node: { objectId: made.objectId } }] });
    expect((await s.ok(COUNT, {}, { master: true })).installations.count).toBeGreaterThan(0);
    await s.ok(DELETE, { id: made.objectId }, { master: true });
    expect(await rowsWith(made.installationId)).toEqual([]);
  });
});

describe('device tokens', () => {
  it('takes a token saved on a new installation from the installation that held it', async () => {
    const token = IOS_TOKEN();
    const [a, b] = [randomUUID(), randomUUID()];
    await create({ installationId: a, deviceToken: token, deviceType: 'ios' });
    const made = await create({ installationId: b, deviceToken: token.toUpperCase(), deviceType: 'ios' });
    // iOS tokens (64 characters) are stored lower-cased.
    expect(made.deviceToken).toBe(token);
    expect(await rowsWith(a, b)).toMatchObject([{ objectId: made.objectId, installationId: b, deviceToken: token }]);
  });

  it('takes a token saved on an existing installation, with its installationId, from the one that held it', async () => {
    const token = `android-${randomUUID()}`;
    const [a, b] = [randomUUID(), randomUUID()];
    await create({ installationId: a, deviceToken: token, deviceType: 'android' });
    const second = await create({ installationId: b, deviceType: 'android' });
    const r = await s.gql(UPDATE, { id: second.objectId, fields: { deviceToken: token, installationId: b.toUpperCase() } });
    expect(r.errors, r.text).toBeUndefined();
    expect(await rowsWith(a, b)).toMatchObject([{ objectId: second.objectId, installationId: b, deviceToken: token }]);
  });

  // Changed to match Parse (RestWrite.handleInstallation): other holders of a token are deleted
  // only when the write gives its installationId. An update by objectId alone used to delete them.
  it('leaves the token to the installation that held it on an update by objectId alone (GraphQL and REST), as Parse does', async () => {
    const rest = restClient(s.plinth);
    for (const update of [
      (id: string, token: string) => s.gql(UPDATE, { id, fields: { deviceToken: token } }).then((r) => expect(r.errors, r.text).toBeUndefined()),
      (id: string, token: string) => rest('PUT', `installations/${id}`, { body: { deviceToken: token } }).then((r) => expect(r.status, r.body).toBe(200)),
      (id: string, token: string) => rest('PUT', `installations/${id}`, { body: { deviceToken: token }, master: true }).then((r) => expect(r.status).toBe(200)),
    ]) {
      const token = `android-${randomUUID()}`;
      const [a, b] = [randomUUID(), randomUUID()];
      const first = await create({ installationId: a, deviceToken: token, deviceType: 'android' });
      const second = await create({ installationId: b, deviceType: 'android' });
      await update(second.objectId, token);
      expect(await rowsWith(a, b)).toMatchObject([
        { objectId: first.objectId, installationId: a, deviceToken: token },
        { objectId: second.objectId, installationId: b, deviceToken: token },
      ]);
    }
  });

  it('takes a token, on an update naming the installationId and the app, from that app’s installations only', async () => {
    const token = IOS_TOKEN();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await create({ installationId: a, deviceToken: token, deviceType: 'ios', appIdentifier: 'com.example.one' });
    await create({ installationId: c, deviceToken: token, deviceType: 'ios', appIdentifier: 'com.example.two' });
    const second = await create({ installationId: b, deviceType: 'ios' });
    const r = await s.gql(UPDATE, { id: second.objectId, fields: { deviceToken: token, installationId: b, appIdentifier: 'com.example.two' } });
    expect(r.errors, r.text).toBeUndefined();
    expect((await rowsWith(a, b, c)).map((row) => [row.installationId, row.appIdentifier])).toEqual([
      [a, 'com.example.one'],
      [b, 'com.example.two'],
    ]);
  });

  it('does not take a token by the X-Parse-Installation-Id header alone, as Parse does', async () => {
    const token = `android-${randomUUID()}`;
    const [a, h] = [randomUUID(), randomUUID()];
    await create({ installationId: a, deviceToken: token, deviceType: 'android' });
    const headers = { 'x-parse-installation-id': h };
    // A new installation: the token's holder has an installationId of its own (132, as Parse).
    expectCode(
      await s.gql(CREATE, { fields: { deviceToken: token, deviceType: 'android' } }, { headers }),
      132,
      'Must specify installationId when deviceToken matches multiple Installation objects',
    );
    // The header's installation, saved again with the token: both keep it.
    const own = await create({ deviceType: 'android' }, { headers });
    const saved = await create({ deviceToken: token }, { headers });
    expect(saved.objectId).toBe(own.objectId);
    expect((await rowsWith(a, h)).map((row) => [row.installationId, row.deviceToken])).toEqual([
      [a, token],
      [h, token],
    ]);
  });

  it('takes a token only from installations of the same app when the save names it', async () => {
    const token = IOS_TOKEN();
    const [a, b] = [randomUUID(), randomUUID()];
    await create({ installationId: a, deviceToken: token, deviceType: 'ios', appIdentifier: 'com.example.one' });
    await create({ installationId: b, deviceToken: token, deviceType: 'ios', appIdentifier: 'com.example.two' });
    expect((await rowsWith(a, b)).map((r) => r.appIdentifier)).toEqual(['com.example.one', 'com.example.two']);
  });

  it('merges a device into the imported installation that holds its token without an installationId', async () => {
    const token = IOS_TOKEN();
    const id = randomUUID();
    const imported = await create({ deviceToken: token, deviceType: 'ios', appName: 'Imported' });
    const saved = await create({ installationId: id, deviceToken: token, deviceType: 'ios' });
    expect(saved).toMatchObject({ objectId: imported.objectId, installationId: id, appName: 'Imported' });
    expect(await rowsWith(id, token)).toMatchObject([{ objectId: imported.objectId, installationId: id, deviceToken: token }]);
  });

  it('links an installation and the imported one holding its token: the imported one stays, in one transaction', async () => {
    const token = IOS_TOKEN();
    const id = randomUUID();
    const own = await create({ installationId: id, deviceType: 'ios' });
    const imported = await create({ deviceToken: token, deviceType: 'ios' });
    // The imported one takes the installationId, which the unique index lets it hold only once `own` is gone.
    const saved = await create({ installationId: id, deviceToken: token, deviceType: 'ios' });
    expect(saved.objectId).toBe(imported.objectId);
    expect(await rowsWith(id, token)).toMatchObject([{ objectId: imported.objectId, installationId: id, deviceToken: token }]);
    expectCode(await s.gql(GET, { id: own.objectId }), 101);
  });

  it('needs an installationId when the token is held by several installations (132)', async () => {
    const token = `shared-${randomUUID()}`;
    for (const id of [randomUUID(), randomUUID()]) {
      await s.plinth.db.execute(
        `INSERT INTO "_Installation" ("objectId", "createdAt", "updatedAt", "installationId", "deviceToken", "deviceType") VALUES ($1, now(), now(), $2, $3, 'android')`,
        [randomUUID().slice(0, 10), id, token],
      );
    }
    expectCode(
      await s.gql(CREATE, { fields: { deviceToken: token, deviceType: 'android' } }),
      132,
      'Must specify installationId when deviceToken matches multiple Installation objects',
    );
    expect(await rowsWith(token)).toHaveLength(2);
  });
});

describe('sessions of an installation', () => {
  it('replaces the user’s earlier session from the same installation at login', async () => {
    const username = `device-${randomUUID()}`;
    const phone = { 'x-parse-installation-id': randomUUID() };
    const tablet = { 'x-parse-installation-id': randomUUID() };
    const signedUp = (await s.ok(SIGN_UP, { fields: { username, password: 'device pass' } }, { headers: phone })).signUp.viewer;
    const first = (await s.ok(LOG_IN, { username, password: 'device pass' }, { headers: tablet })).logIn.viewer.sessionToken;
    const again = (await s.ok(LOG_IN, { username, password: 'device pass' }, { headers: phone })).logIn.viewer.sessionToken;
    const sessions = await s.plinth.db.query<{ installationId: string }>('SELECT "installationId" FROM "_Session" WHERE "user" = $1 ORDER BY "createdAt"', [
      signedUp.user.objectId,
    ]);
    expect(sessions.map((r) => r.installationId)).toEqual([tablet['x-parse-installation-id'], phone['x-parse-installation-id']]);
    const replaced = await s.gql(VIEWER, {}, { token: signedUp.sessionToken });
    expect([replaced.status, replaced.body]).toEqual([400, { code: 209, error: 'Invalid session token' }]);
    for (const token of [first, again]) expect((await s.ok(VIEWER, {}, { token })).viewer.sessionToken).toBe(token);
  });
});

describe('cloud code on installations', () => {
  let c: AuthServer;
  const seen: string[] = [];

  beforeAll(async () => {
    c = await startAuthServer(
      {},
      {
        cloudSetup: (cloud) => {
          cloud.beforeSave('_Installation', (req) => {
            seen.push(`beforeSave:${req.original ? 'update' : 'create'}:${req.installationId ?? ''}`);
            req.object.set('appName', 'set by beforeSave');
          });
          cloud.afterSave('_Installation', (req) => {
            seen.push(`afterSave:${req.object.get('appName')}`);
          });
        },
      },
    );
  });
  afterAll(() => c?.close());

  it('runs beforeSave and afterSave, a merge reaching them as an update', async () => {
    const id = randomUUID();
    const headers = { 'x-parse-installation-id': id };
    const made = await c.ok(CREATE, { fields: { deviceType: 'ios' } }, { headers });
    expect(made.createInstallation.installation).toMatchObject({ installationId: id, appName: 'set by beforeSave' });
    const again = await c.ok(CREATE, { fields: { installationId: id, appVersion: '2' } }, { headers });
    expect(again.createInstallation.installation.objectId).toBe(made.createInstallation.installation.objectId);
    await expect.poll(() => seen.length).toBe(4);
    expect(seen).toEqual([`beforeSave:create:${id}`, 'afterSave:set by beforeSave', `beforeSave:update:${id}`, 'afterSave:set by beforeSave']);
  });
});
