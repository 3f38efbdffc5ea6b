import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';
import { type PushFakes, startPushFakes } from '../helpers/push/fakes.ts';

const SEND = `mutation Send($input: SendPushInput!) { sendPush(input: $input) { pushStatusId pushStatus { objectId status numSent numFailed } } }`;
const STATUS = `query S($id: ID!) { pushStatus(id: $id) { objectId status numSent numFailed sentPerType failedPerType errorMessage count query payload pushTime source } }`;

describe('sendPush: delivery to APNs, FCM and Web Push', () => {
  let fakes: PushFakes;
  let s: TestServer;
  let webSub: { endpoint: string; keys: { p256dh: string; auth: string } };
  let n = 0;

  beforeAll(async () => {
    fakes = await startPushFakes();
    s = await startTestServer({ push: fakes.config, jobs: { pollMs: 100 } });
  });
  afterAll(async () => {
    await s?.close();
    await fakes?.stop();
  });
  afterEach(() => fakes.reset());

  async function installation(fields: Record<string, unknown>): Promise<string> {
    n++;
    const data = await s.ok(`mutation C($f: CreateInstallationFieldsInput) { createInstallation(input: {fields: $f}) { installation { objectId } } }`, {
      f: { installationId: `inst-${n}-${Math.random().toString(36).slice(2)}`, ...fields },
    });
    return data.createInstallation.installation.objectId;
  }

  async function finished(id: string) {
    return until(async () => {
      const d = await s.ok(STATUS, { id });
      return d.pushStatus.status === 'succeeded' || d.pushStatus.status === 'failed' ? d.pushStatus : undefined;
    });
  }

  async function send(input: Record<string, unknown>) {
    const r = await s.master(SEND, { input });
    expect(r.errors).toBeUndefined();
    return r.data.sendPush;
  }

  it('sends to a channel on every provider, with the badge incremented in SQL', async () => {
    webSub = fakes.web.subscribe();
    const ios = await installation({ deviceType: 'ios', deviceToken: 'aa'.repeat(32), channels: ['news'], badge: 2 });
    const android = await installation({ deviceType: 'android', deviceToken: 'fcm-token-1', channels: ['news', 'sports'] });
    await installation({ deviceType: 'web', deviceToken: JSON.stringify(webSub), channels: ['news'] });
    await installation({ deviceType: 'ios', deviceToken: 'bb'.repeat(32), channels: ['sports'] });
    const sent = await send({ channels: ['news'], data: { alert: 'Hello', badge: 'Increment', sound: 'default', custom: 'x' } });
    expect(sent.pushStatus.status).toBe('pending');
    const status = await finished(sent.pushStatusId);
    expect(status).toMatchObject({ status: 'succeeded', numSent: 3, numFailed: 0, sentPerType: { ios: 1, android: 1, web: 1 }, source: 'graphql' });
    expect(JSON.parse(status.query)).toEqual({ channels: { $in: ['news'] } });
    expect(JSON.parse(status.payload)).toMatchObject({ alert: 'Hello', badge: 'Increment' });
    expect(fakes.apns.deliveries).toHaveLength(1);
    expect(fakes.apns.deliveries[0].token).toBe('aa'.repeat(32));
    expect(fakes.apns.deliveries[0].body).toMatchObject({ aps: { badge: 3, sound: 'default' }, custom: 'x' });
    expect(JSON.stringify((fakes.apns.deliveries[0].body.aps as Record<string, unknown>).alert)).toContain('Hello');
    expect(fakes.fcm.deliveries.map((d) => d.token)).toEqual(['fcm-token-1']);
    // Parse's Android format: the push's data as JSON under `data`, with `push_id` and `time`.
    expect(JSON.parse((fakes.fcm.deliveries[0].message.data as Record<string, string>).data)).toMatchObject({ alert: 'Hello', custom: 'x' });
    expect(fakes.web.deliveries).toHaveLength(1);
    expect(fakes.web.deliveries[0].payload).toMatchObject({ alert: 'Hello', custom: 'x' });
    const badges = await s.ok(`query { installations(where: {channels: {contains: "news"}}) { edges { node { objectId badge } } } }`);
    const byId = new Map(badges.installations.edges.map((e: any) => [e.node.objectId, e.node.badge]));
    expect(byId.get(ios)).toBe(3);
    expect(byId.get(android)).toBe(1);
  });

  it('targets by where: device type, and a pointer to a user', async () => {
    const user = await s.ok(`mutation { signUp(input: {fields: {username: "pushed-${Date.now()}", password: "pw-123456"}}) { viewer { user { objectId } } } }`);
    const userId = user.signUp.viewer.user.objectId;
    await installation({ deviceType: 'android', deviceToken: 'fcm-user-token', user: { link: userId } });
    await installation({ deviceType: 'android', deviceToken: 'fcm-other-token' });
    const sent = await send({ where: { user: { have: { objectId: { equalTo: userId } } } }, data: { alert: 'Just you' } });
    const status = await finished(sent.pushStatusId);
    expect(status).toMatchObject({ numSent: 1, sentPerType: { android: 1 } });
    expect(fakes.fcm.deliveries.map((d) => d.token)).toEqual(['fcm-user-token']);
    fakes.reset();
    const byType = await send({
      where: { deviceType: { equalTo: 'android' }, deviceToken: { in: ['fcm-user-token', 'fcm-other-token'] } },
      data: { alert: 'Androids' },
    });
    expect((await finished(byType.pushStatusId)).numSent).toBe(2);
    expect(fakes.apns.deliveries).toHaveLength(0);
    expect(fakes.fcm.deliveries.map((d) => d.token).sort()).toEqual(['fcm-other-token', 'fcm-user-token']);
  });

  // Its only device failed, yet the push has succeeded: changed to match Parse, which fails a push
  // only when sending breaks and counts failed devices in numFailed (see push-status.db.test.ts).
  it('removes a token the provider says is gone, and records the failed batch’s error (the push succeeded)', async () => {
    const token = 'cc'.repeat(32);
    const id = await installation({ deviceType: 'ios', deviceToken: token, channels: ['gone'] });
    fakes.apns.answer({ status: 410, reason: 'Unregistered' }, token);
    const sent = await send({ channels: ['gone'], data: { alert: 'Anyone?' } });
    const status = await finished(sent.pushStatusId);
    expect(status).toMatchObject({ status: 'succeeded', numSent: 0, numFailed: 1, failedPerType: { ios: 1 } });
    expect(status.errorMessage.errors[0]).toMatchObject({ deviceType: 'ios', devices: 1 });
    expect(status.errorMessage.errors[0].error).toContain('Unregistered');
    const row = await s.ok(`query Q($id: ID!) { installation(id: $id) { deviceToken } }`, { id });
    expect(row.installation.deviceToken).toBeNull();
  });

  it('sends through Expo to installations of deviceType "expo", and removes a token Expo no longer knows', async () => {
    const [kept, gone] = ['ExponentPushToken[kept-device]', 'ExponentPushToken[gone-device]'];
    await installation({ deviceType: 'expo', deviceToken: kept, channels: ['expo'], badge: 4 });
    const goneId = await installation({ deviceType: 'expo', deviceToken: gone, channels: ['expo'] });
    fakes.expo.answer({ status: 200, reason: 'DeviceNotRegistered' }, gone);
    const sent = await send({ channels: ['expo'], data: { alert: 'From Expo', title: 'Hi', badge: 'Increment', screen: 'inbox' } });
    const status = await finished(sent.pushStatusId);
    expect(status).toMatchObject({ numSent: 1, numFailed: 1, sentPerType: { expo: 1 }, failedPerType: { expo: 1 } });
    expect(fakes.expo.deliveries.map((d) => d.message)).toEqual([{ to: kept, title: 'Hi', body: 'From Expo', badge: 5, data: { screen: 'inbox' } }]);
    const row = await s.ok(`query Q($id: ID!) { installation(id: $id) { deviceToken } }`, { id: goneId });
    expect(row.installation.deviceToken).toBeNull();
  });

  it('retries a throttled device after Retry-After, and sends it once', async () => {
    await installation({ deviceType: 'android', deviceToken: 'fcm-throttled', channels: ['slow'] });
    await installation({ deviceType: 'android', deviceToken: 'fcm-fine', channels: ['slow'] });
    fakes.fcm.answer({ status: 429, retryAfter: 1, times: 1 }, 'fcm-throttled');
    const sent = await send({ channels: ['slow'], data: { alert: 'Eventually' } });
    const status = await finished(sent.pushStatusId);
    expect(status).toMatchObject({ status: 'succeeded', numSent: 2, numFailed: 0 });
    expect(fakes.fcm.deliveries.map((d) => d.token).sort()).toEqual(['fcm-fine', 'fcm-throttled']);
  });

  it('sends the expiry to the providers, and does not send what expired before it could go', async () => {
    const token = 'dd'.repeat(32);
    await installation({ deviceType: 'ios', deviceToken: token, channels: ['expiring'] });
    await installation({ deviceType: 'android', deviceToken: 'fcm-expiring', channels: ['expiring'] });
    const sent = await send({ channels: ['expiring'], data: { alert: 'Soon stale' }, expirationInterval: 3600 });
    expect((await finished(sent.pushStatusId)).numSent).toBe(2);
    const apnsExpiry = Number(fakes.apns.deliveries[0].headers['apns-expiration']);
    expect(Math.abs(apnsExpiry - (Date.now() / 1000 + 3600))).toBeLessThan(30);
    const ttl = (fakes.fcm.deliveries[0].message.android as Record<string, string>).ttl;
    expect(Number.parseInt(ttl, 10)).toBeGreaterThan(3500);
    fakes.reset();
    // A scheduled push whose absolute expiry comes before its push time reaches nobody; it has
    // still succeeded, its devices counted as failed (as Parse: "failed" is for a push that broke).
    const late = await send({
      channels: ['expiring'],
      data: { alert: 'Too late' },
      pushTime: new Date(Date.now() + 1500).toISOString(),
      expirationTime: new Date(Date.now() + 500).toISOString(),
    });
    const status = await finished(late.pushStatusId);
    expect(status).toMatchObject({ status: 'succeeded', numSent: 0, numFailed: 2 });
    expect(status.errorMessage.errors[0].error).toBe('expired before it could be sent');
    expect(fakes.apns.deliveries).toHaveLength(0);
    expect(fakes.fcm.deliveries).toHaveLength(0);
  });

  it('schedules a push for later (UTC) and sends it then', async () => {
    await installation({ deviceType: 'android', deviceToken: 'fcm-later', channels: ['later'] });
    const at = new Date(Date.now() + 2500);
    const sent = await send({ channels: ['later'], data: { alert: 'Later' }, pushTime: at.toISOString() });
    expect(sent.pushStatus.status).toBe('scheduled');
    await new Promise((r) => setTimeout(r, 800));
    expect(fakes.fcm.deliveries).toHaveLength(0);
    const status = await finished(sent.pushStatusId);
    expect(status.numSent).toBe(1);
    expect(Date.now()).toBeGreaterThanOrEqual(at.valueOf());
  });

  it('refuses callers without the master key, and bad pushes with Parse’s code 115', async () => {
    const anon = await s.anon(SEND, { input: { channels: ['x'], data: { alert: 'no' } } });
    expect(anon.errors?.[0]).toMatchObject({ message: 'unauthorized: master key is required', extensions: { code: 119 } });
    const both = await s.master(SEND, { input: { channels: ['x'], where: { deviceType: { equalTo: 'ios' } }, data: {} } });
    expect(both.errors?.[0]).toMatchObject({ message: 'Channels and query can not be set at the same time.', extensions: { code: 115 } });
    const neither = await s.master(SEND, { input: { data: { alert: 'x' } } });
    expect(neither.errors?.[0].extensions?.code).toBe(115);
    const badTime = await s.master(SEND, { input: { channels: ['x'], data: {}, pushTime: 'not a time' } });
    expect(badTime.errors?.[0]).toMatchObject({ message: 'not a time is not valid time.', extensions: { code: 115 } });
    const badBadge = await s.master(SEND, { input: { channels: ['x'], data: { badge: 'lots' } } });
    expect(badBadge.errors?.[0].extensions?.code).toBe(115);
    const twoExpiries = await s.master(SEND, { input: { channels: ['x'], data: {}, expirationTime: 2_000_000_000, expirationInterval: 60 } });
    expect(twoExpiries.errors?.[0]).toMatchObject({ message: 'Both expiration_time and expiration_interval cannot be set', extensions: { code: 115 } });
    const statuses = await s.anon(`query { pushStatuses { count } }`);
    expect(statuses.errors?.[0].extensions?.code).toBe(119);
  });
});

describe('sendPush with PLINTH_CLIENT_PUSH=true', () => {
  let fakes: PushFakes;
  let s: TestServer;
  beforeAll(async () => {
    fakes = await startPushFakes({ client: true });
    s = await startTestServer({ push: fakes.config, jobs: { pollMs: 100 } });
  });
  afterAll(async () => {
    await s?.close();
    await fakes?.stop();
  });

  it('lets a client send, and shows it only the status id', async () => {
    await s.anon(
      `mutation { createInstallation(input: {fields: {installationId: "client-push-1", deviceType: "android", deviceToken: "fcm-client", channels: ["c"]}}) { clientMutationId } }`,
    );
    const r = await s.anon(SEND, { input: { channels: ['c'], data: { alert: 'From a client' } } });
    expect(r.errors).toBeUndefined();
    expect(r.data.sendPush.pushStatus).toBeNull();
    const id = r.data.sendPush.pushStatusId;
    await until(async () => ((await s.ok(STATUS, { id })).pushStatus.status === 'succeeded' ? true : undefined));
    expect(fakes.fcm.deliveries.map((d) => d.token)).toEqual(['fcm-client']);
    const peek = await s.anon(STATUS, { id });
    expect(peek.errors?.[0].extensions?.code).toBe(119);
  });
});

describe('sendPush without a configured provider', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s?.close());

  it('answers 115 "Missing push configuration"', async () => {
    const r = await s.master(SEND, { input: { channels: ['x'], data: { alert: 'x' } } });
    expect(r.errors?.[0]).toMatchObject({ message: 'Missing push configuration', extensions: { code: 115 } });
  });
});

describe('sendPush with Expo as the only provider', () => {
  let fakes: PushFakes;
  let s: TestServer;
  beforeAll(async () => {
    fakes = await startPushFakes();
    s = await startTestServer({ push: { expo: fakes.config.expo }, jobs: { pollMs: 100 } });
  });
  afterAll(async () => {
    await s?.close();
    await fakes?.stop();
  });

  it('is configured: the push is accepted and delivered', async () => {
    const token = 'ExponentPushToken[only-expo]';
    await s.ok(`mutation C($f: CreateInstallationFieldsInput) { createInstallation(input: {fields: $f}) { installation { objectId } } }`, {
      f: { installationId: 'expo-only-1', deviceType: 'expo', deviceToken: token, channels: ['solo'] },
    });
    const r = await s.master(SEND, { input: { channels: ['solo'], data: { alert: 'Only Expo' } } });
    expect(r.errors).toBeUndefined();
    const id = r.data.sendPush.pushStatusId;
    const status = await until(async () => {
      const d = await s.ok(STATUS, { id });
      return d.pushStatus.status === 'succeeded' ? d.pushStatus : undefined;
    });
    expect(status).toMatchObject({ numSent: 1, sentPerType: { expo: 1 } });
    expect(fakes.expo.deliveries.map((d) => d.message.to)).toEqual([token]);
  });
});
