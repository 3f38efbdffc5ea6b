import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';
import { type PushFakes, startPushFakes } from '../helpers/push/fakes.ts';

// `_PushStatus` as Parse Server keeps it (PushController, StatusHandler, ParsePushAdapter): the
// final status, what is counted, and the expiry it records. Apps and dashboards poll these.

const SEND = `mutation Send($input: SendPushInput!) { sendPush(input: $input) { pushStatusId } }`;
const STATUS = `query S($id: ID!) { pushStatus(id: $id) {
  status numSent numFailed sentPerType failedPerType errorMessage pushTime expiry expiration_interval
} }`;

async function pushServer(fakes: PushFakes, without: 'ios' | undefined = undefined): Promise<TestServer> {
  const push = { ...fakes.config };
  if (without) delete push[without];
  return startTestServer({ push, jobs: { pollMs: 100 } });
}

function helpers(server: () => TestServer) {
  let n = 0;
  return {
    async installation(fields: Record<string, unknown>): Promise<string> {
      n++;
      const data = await server().ok(
        `mutation C($f: CreateInstallationFieldsInput) { createInstallation(input: {fields: $f}) { installation { objectId } } }`,
        {
          f: { installationId: `status-${n}-${Math.random().toString(36).slice(2)}`, ...fields },
        },
      );
      return data.createInstallation.installation.objectId;
    },
    async send(input: Record<string, unknown>): Promise<string> {
      const r = await server().master(SEND, { input });
      expect(r.errors).toBeUndefined();
      return r.data.sendPush.pushStatusId;
    },
    async status(id: string) {
      return (await server().ok(STATUS, { id })).pushStatus;
    },
    async finished(id: string) {
      return until(async () => {
        const status = (await server().ok(STATUS, { id })).pushStatus;
        return status.status === 'succeeded' || status.status === 'failed' ? status : undefined;
      });
    },
  };
}

describe('_PushStatus of a push', () => {
  let fakes: PushFakes;
  let s: TestServer;
  const { installation, send, status, finished } = helpers(() => s);
  const hex = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');

  beforeAll(async () => {
    fakes = await startPushFakes();
    s = await pushServer(fakes);
  });
  afterAll(async () => {
    await s?.close();
    await fakes?.stop();
  });
  afterEach(() => fakes.reset());

  // Parse sets "failed" only when sending itself breaks; a push whose devices all failed has
  // succeeded, with numFailed counting them.
  it('has succeeded once every batch is sent, even when every device failed', async () => {
    const bad = hex();
    await installation({ deviceType: 'ios', deviceToken: bad, channels: ['all-fail'] });
    fakes.apns.answer({ status: 400, reason: 'BadDeviceToken' }, bad);
    const refused = await finished(await send({ channels: ['all-fail'], data: { alert: 'x' } }));
    expect(refused).toMatchObject({ status: 'succeeded', numSent: 0, numFailed: 1, failedPerType: { ios: 1 } });
    expect(refused.errorMessage.errors[0]).toMatchObject({ deviceType: 'ios', devices: 1, error: 'BadDeviceToken' });

    const tooLarge = await finished(await send({ channels: ['all-fail'], data: { alert: 'x'.repeat(5000) } }));
    expect(tooLarge).toMatchObject({ status: 'succeeded', numSent: 0, numFailed: 1 });

    const expired = await finished(await send({ channels: ['all-fail'], data: { alert: 'x' }, expirationTime: '2001-01-01T00:00:00Z' }));
    expect(expired).toMatchObject({ status: 'succeeded', numSent: 0, numFailed: 1 });
    expect(expired.errorMessage.errors[0].error).toBe('expired before it could be sent');
  });

  // Parse's ParsePushAdapter leaves out installations whose type is not a push type it knows.
  it('skips installations of a device type no provider serves, counting them nowhere', async () => {
    await installation({ deviceType: 'nokia', deviceToken: 'nokia-token', channels: ['mixed'] });
    await installation({ deviceType: 'android', deviceToken: 'fcm-mixed', channels: ['mixed'] });
    const mixed = await finished(await send({ channels: ['mixed'], data: { alert: 'x' } }));
    expect(mixed).toMatchObject({ status: 'succeeded', numSent: 1, numFailed: 0, sentPerType: { android: 1 }, failedPerType: {} });
    expect(mixed.errorMessage).toBeNull();

    const only = await finished(await send({ where: { deviceType: { equalTo: 'nokia' } }, data: { alert: 'x' } }));
    expect(only).toMatchObject({ status: 'succeeded', numSent: 0, numFailed: 0, failedPerType: {} });
  });

  it('records the expiry of an immediate push with an interval as now plus the interval (ms), as Parse', async () => {
    await installation({ deviceType: 'android', deviceToken: 'fcm-interval', channels: ['interval'] });
    const before = Date.now();
    const id = await send({ channels: ['interval'], data: { alert: 'x' }, expirationInterval: 600 });
    const after = Date.now();
    const stored = await finished(id);
    expect(stored.expiration_interval).toBe(600);
    expect(stored.expiry).toBeGreaterThanOrEqual(before + 600_000);
    expect(stored.expiry).toBeLessThanOrEqual(after + 600_000);
    // A scheduled push keeps only its interval: each device's expiry counts from its send time.
    const later = await send({
      channels: ['interval'],
      data: { alert: 'x' },
      pushTime: new Date(Date.now() + 3_600_000).toISOString(),
      expirationInterval: 600,
    });
    expect(await status(later)).toMatchObject({ status: 'scheduled', expiry: null, expiration_interval: 600 });
  });

  it('sends APNs no apns-expiration without an expiry (APNs then keeps it for an offline device)', async () => {
    await installation({ deviceType: 'ios', deviceToken: hex(), channels: ['no-expiry'] });
    await finished(await send({ channels: ['no-expiry'], data: { alert: 'x' } }));
    expect(fakes.apns.deliveries).toHaveLength(1);
    expect(fakes.apns.deliveries[0].headers).not.toHaveProperty('apns-expiration');
  });
});

describe('_PushStatus when a device type’s provider is not configured', () => {
  let fakes: PushFakes;
  let s: TestServer;
  const { installation, send, finished } = helpers(() => s);

  beforeAll(async () => {
    fakes = await startPushFakes();
    s = await pushServer(fakes, 'ios');
  });
  afterAll(async () => {
    await s?.close();
    await fakes?.stop();
  });

  // As Parse's ParsePushAdapter answers a push type it knows but has no sender for.
  it('counts its installations as failed, with the reason', async () => {
    await installation({ deviceType: 'ios', deviceToken: 'ab'.repeat(32), channels: ['no-apns'] });
    await installation({ deviceType: 'android', deviceToken: 'fcm-no-apns', channels: ['no-apns'] });
    const done = await finished(await send({ channels: ['no-apns'], data: { alert: 'x' } }));
    expect(done).toMatchObject({ status: 'succeeded', numSent: 1, numFailed: 1, sentPerType: { android: 1 }, failedPerType: { ios: 1 } });
    expect(done.errorMessage.errors).toEqual([{ deviceType: 'ios', devices: 1, error: 'no push provider is configured for deviceType "ios"' }]);
    expect(fakes.apns.deliveries).toHaveLength(0);
  });
});
