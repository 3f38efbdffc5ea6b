import { createECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApnsProvider } from '../../src/push/providers/apns.ts';
import { createExpoProvider } from '../../src/push/providers/expo.ts';
import { createFcmProvider } from '../../src/push/providers/fcm.ts';
import { loadPushConfig } from '../../src/config/push.ts';
import { createProviders, providerFor } from '../../src/push/providers/index.ts';
import type { Delivery, DeliveryResult, PushProvider, SendOptions } from '../../src/push/providers/types.ts';
import { createWebPushProvider } from '../../src/push/providers/web.ts';
import { FakeApns } from '../helpers/push/fake-apns.ts';
import { FakeExpo } from '../helpers/push/fake-expo.ts';
import { FakeFcm } from '../helpers/push/fake-fcm.ts';
import type { Answer } from '../helpers/push/fake-server.ts';
import { FakeWebPush } from '../helpers/push/fake-web-push.ts';
import { testKeys } from '../helpers/push/keys.ts';

/*
 * One suite for the push providers, each against its fake service (test/helpers/push):
 * what arrives, how each answer of the service becomes a result, credentials and their renewal.
 */

const keys = testKeys();
/** The clock the providers and the fakes share; tests move it forward to age credentials. */
const clock = { now: Date.now() };
const now = () => clock.now;
const MINUTE = 60_000;

/** What arrived at a fake for one delivery, in the service's own shape. */
interface Received {
  token: string;
  /** APNs: the JSON body; FCM: `message.data`; Web Push: the decrypted JSON; Expo: the message but `to` and `ttl`. */
  body: unknown;
  /** APNs: apns-expiration; FCM: android.ttl; Web Push: the TTL header; Expo: `ttl`. */
  expiry: string | undefined;
}

/** A fake service started, and providers made against it. */
interface Fixture {
  provider(options?: { timeoutMs?: number }): PushProvider;
  /** A provider and a token whose service refuses connections. */
  unreachable(): Promise<{ provider: PushProvider; token: string }>;
  /** A provider whose credentials the service does not know. */
  stranger(): PushProvider;
  /** A token the service knows. */
  device(): string;
  /** Scripts the service's answer for `token` (or every token). */
  answer(answer: Answer, token?: string): void;
  received(): Received[];
  /** Requests the service got for devices (accepted or not). */
  requests(): number;
  /** Distinct credentials the service saw (provider tokens, access tokens, VAPID JWTs). */
  credentials(): number;
  /** Makes the service refuse the credentials in use once, as after they expired. */
  refuseCredentials(): void;
  reset(): void;
  stop(): Promise<void>;
}

interface ProviderCase {
  name: string;
  start(): Promise<Fixture>;
  /** What arrives for `data` sent with `options`. */
  body(data: Record<string, unknown>, options: SendOptions): unknown;
  /** The expiry that arrives without an expiration time, and with one an hour away. */
  expiry: { none: string | undefined; inAnHour: (expiresAt: Date) => string };
  /** A device the service refuses for good, and the error it gives. */
  bad: { answer?: Answer; token?: string; error: string };
  /** The service's ways of saying a device is gone, and the error each gives. */
  gone: Array<{ answer: Answer; error: string }>;
  /** The error of an overloaded service (503). */
  unavailable: string;
  /** How the service says "not now" of one device among others (default: that device's request answered 500). */
  busy?: Answer;
  /** The error when the credentials are refused for good. */
  refused: string;
  /** Cases this provider skips, by title, with the reason. */
  skip?: Record<string, string>;
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const hexToken = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');

let other: { apns: string; fcm: string; vapid: { publicKey: string; privateKey: string } } | undefined;
/** Keys of the same kinds that the fakes do not know. */
function testKeysOther() {
  if (other) return other;
  const pem = { type: 'pkcs8', format: 'pem' } as const;
  const vapid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' });
  other = {
    apns: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export(pem) as string,
    fcm: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export(pem) as string,
    // The same public key (the fake checks `k` first), signed with another private key.
    vapid: { publicKey: keys.vapid.publicKey, privateKey: vapid.d! },
  };
  return other;
}

const apns: ProviderCase = {
  name: 'APNs',
  async start() {
    const fake = new FakeApns({ ...keys.apns, now });
    const { url, ca } = await fake.start();
    const config = { ...keys.apns, production: false, url, ca };
    return {
      provider: (options) => createApnsProvider(config, { now, ...options }),
      async unreachable() {
        return { provider: createApnsProvider({ ...config, url: `https://127.0.0.1:${await deadPort()}` }, { now }), token: hexToken() };
      },
      stranger: () => createApnsProvider({ ...config, key: testKeysOther().apns }, { now }),
      device: hexToken,
      answer: (answer, token) => fake.answer(answer, token),
      received: () => fake.deliveries.map((d) => ({ token: d.token, body: d.body, expiry: d.headers['apns-expiration'] })),
      requests: () => fake.requests.length,
      credentials: () => fake.jwts.size,
      refuseCredentials: () => fake.answer({ status: 403, reason: 'ExpiredProviderToken', times: 1 }),
      reset: () => fake.reset(),
      stop: () => fake.stop(),
    };
  },
  body: (data) => {
    const { alert, badge, ...custom } = data;
    return { aps: { alert: { body: alert }, badge }, ...custom };
  },
  // No apns-expiration header without an expiry (as Parse's node-apn): APNs stores the
  // notification for an offline device. 0 would mean "now or never".
  expiry: { none: undefined, inAnHour: (at) => String(Math.floor(at.getTime() / 1000)) },
  bad: { answer: { status: 400, reason: 'BadDeviceToken' }, error: 'BadDeviceToken' },
  gone: [{ answer: { status: 410, reason: 'Unregistered' }, error: 'Unregistered' }],
  unavailable: 'ServiceUnavailable',
  refused: 'InvalidProviderToken',
};

const fcm: ProviderCase = {
  name: 'FCM',
  async start() {
    const fake = new FakeFcm({ ...keys.fcm, now });
    const { url, tokenUrl } = await fake.start();
    const config = { ...keys.fcm, url, tokenUrl };
    return {
      provider: (options) => createFcmProvider(config, { now, ...options }),
      async unreachable() {
        return { provider: createFcmProvider({ ...config, url: `http://127.0.0.1:${await deadPort()}` }, { now }), token: 'fcm-unreachable' };
      },
      stranger: () => createFcmProvider({ ...config, privateKey: testKeysOther().fcm }, { now }),
      device: () => `fcm-${crypto.randomUUID()}`,
      answer: (answer, token) => fake.answer(answer, token),
      received: () => fake.deliveries.map((d) => ({ token: d.token, body: d.message.data, expiry: (d.message.android as { ttl?: string } | undefined)?.ttl })),
      requests: () => fake.requests.filter((r) => r.status !== 401).length,
      credentials: () => fake.tokenRequests,
      refuseCredentials: () => fake.revokeTokens(),
      reset: () => fake.reset(),
      stop: () => fake.stop(),
    };
  },
  body: (data, options) => {
    const { badge, ...kept } = data;
    return { push_id: options.pushId, time: new Date(clock.now).toISOString(), data: JSON.stringify(kept) };
  },
  expiry: { none: undefined, inAnHour: () => '3600s' },
  bad: { answer: { status: 400, reason: 'INVALID_ARGUMENT' }, error: 'INVALID_ARGUMENT' },
  gone: [{ answer: { status: 404, reason: 'UNREGISTERED' }, error: 'UNREGISTERED' }],
  unavailable: 'UNAVAILABLE',
  refused: 'OAuth invalid_grant',
};

const web: ProviderCase = {
  name: 'Web Push',
  async start() {
    const fake = new FakeWebPush({ vapidPublicKey: keys.vapid.publicKey, now });
    await fake.start();
    const tokens = new Map<string, string>();
    const device = () => {
      const subscription = fake.subscribe();
      const token = JSON.stringify(subscription);
      tokens.set(fake.idOf(subscription), token);
      return token;
    };
    const id = (token: string) => fake.idOf(JSON.parse(token));
    return {
      provider: (options) => createWebPushProvider({ ...keys.vapid, allowLocalEndpoints: true }, { now, ...options }),
      async unreachable() {
        const subscription = { ...JSON.parse(device()), endpoint: `http://127.0.0.1:${await deadPort()}/push/x` };
        return { provider: createWebPushProvider({ ...keys.vapid, allowLocalEndpoints: true }, { now }), token: JSON.stringify(subscription) };
      },
      stranger: () => createWebPushProvider({ ...keys.vapid, ...testKeysOther().vapid, allowLocalEndpoints: true }, { now }),
      device,
      answer: (answer, token) => fake.answer(answer, token === undefined ? undefined : id(token)),
      received: () => fake.deliveries.map((d) => ({ token: tokens.get(d.id)!, body: d.payload, expiry: d.headers.ttl })),
      requests: () => fake.requests.length,
      credentials: () => new Set(fake.deliveries.map((d) => d.headers.authorization)).size,
      refuseCredentials: () => undefined,
      reset: () => fake.reset(),
      stop: () => fake.stop(),
    };
  },
  body: (data) => data,
  expiry: { none: String(28 * 24 * 3600), inAnHour: () => '3600' },
  bad: { token: '{"endpoint":"not a subscription"}', error: 'invalid subscription' },
  gone: [
    { answer: { status: 410 }, error: 'HTTP 410' },
    { answer: { status: 404 }, error: 'HTTP 404' },
  ],
  unavailable: 'HTTP 503',
  refused: 'HTTP 403',
  skip: {
    'renews refused credentials once and sends again':
      'a VAPID JWT is signed with the fixed VAPID key: there is nothing to renew when a push service refuses it',
  },
};

const EXPO_TOKEN = 'expo-access-token-for-tests';

const expo: ProviderCase = {
  name: 'Expo',
  async start() {
    const fake = new FakeExpo({ accessToken: EXPO_TOKEN });
    const url = await fake.start();
    return {
      provider: (options) => createExpoProvider({ accessToken: EXPO_TOKEN, url }, { now, ...options }),
      async unreachable() {
        return {
          provider: createExpoProvider({ accessToken: EXPO_TOKEN, url: `http://127.0.0.1:${await deadPort()}/--/api/v2/push/send` }, { now }),
          token: 'ExponentPushToken[unreachable]',
        };
      },
      stranger: () => createExpoProvider({ accessToken: 'not-the-token', url }, { now }),
      device: () => `ExponentPushToken[${crypto.randomUUID()}]`,
      answer: (answer, token) => fake.answer(answer, token),
      received: () =>
        fake.deliveries.map((d) => {
          const { to: _, ttl, ...body } = d.message;
          return { token: d.token, body, expiry: ttl === undefined ? undefined : String(ttl) };
        }),
      requests: () => fake.requests.length,
      credentials: () => new Set(fake.deliveries.map((d) => d.authorization)).size,
      refuseCredentials: () => undefined,
      reset: () => fake.reset(),
      stop: () => fake.stop(),
    };
  },
  body: (data) => {
    const { alert, badge, ...custom } = data;
    return { body: alert, badge, data: custom };
  },
  expiry: { none: undefined, inAnHour: () => '3600' },
  bad: { answer: { status: 200, reason: 'MessageTooBig' }, error: 'MessageTooBig' },
  gone: [{ answer: { status: 200, reason: 'DeviceNotRegistered' }, error: 'DeviceNotRegistered' }],
  unavailable: 'HTTP 503',
  busy: { status: 200, reason: 'MessageRateExceeded' },
  refused: 'UNAUTHORIZED',
  skip: {
    'reuses credentials across sends and renews them as they age': 'an Expo access token is a fixed secret: nothing ages',
    'renews refused credentials once and sends again': 'an Expo access token is a fixed secret: there is nothing to renew',
  },
};

const DATA = { alert: 'Hello', badge: 3, custom: 'x', nested: { a: 1 } };

describe.each([apns, fcm, web, expo])('$name provider', (c) => {
  let fixture: Fixture;
  let provider: PushProvider;
  let pushes = 0;
  const options = (extra: Partial<SendOptions> = {}): SendOptions => ({ pushId: `push${++pushes}`, ...extra });
  const deliveries = (tokens: string[], data: Record<string, unknown> = DATA): Delivery[] =>
    tokens.map((token, i) => ({ installationId: `inst${i}`, token, data }));
  const sendOne = async (token: string, extra?: Partial<SendOptions>): Promise<DeliveryResult> => (await provider.send(deliveries([token]), options(extra)))[0];
  const test = (name: string, fn: () => Promise<void>) => (c.skip?.[name] ? it.skip(`${name} — skipped: ${c.skip[name]}`, fn) : it(name, fn));

  beforeAll(async () => {
    fixture = await c.start();
  });
  afterAll(() => fixture.stop());
  beforeEach(() => {
    fixture.reset();
    provider = fixture.provider();
  });
  afterEach(() => provider.close());

  test('delivers the data in the shape the apps read', async () => {
    const token = fixture.device();
    const sendOptions = options();
    expect(await provider.send(deliveries([token]), sendOptions)).toEqual([{ status: 'sent' }]);
    expect(fixture.received()).toEqual([{ token, body: c.body(DATA, sendOptions), expiry: c.expiry.none }]);
  });

  test('delivers to many devices at once, each once, answering in order', async () => {
    const tokens = Array.from({ length: 300 }, () => fixture.device());
    const results = await provider.send(deliveries(tokens), options());
    expect(results).toEqual(tokens.map(() => ({ status: 'sent' })));
    expect(
      fixture
        .received()
        .map((r) => r.token)
        .sort(),
    ).toEqual([...tokens].sort());
  });

  test('answers each device in order when the service answers them differently', async () => {
    const [ok, bad, gone, busy] = [fixture.device(), fixture.device(), fixture.device(), fixture.device()];
    if (c.bad.answer) fixture.answer(c.bad.answer, bad);
    fixture.answer(c.gone[0].answer, gone);
    fixture.answer(c.busy ?? { status: 500 }, busy);
    const results = await provider.send(deliveries([ok, c.bad.token ?? bad, gone, busy]), options());
    expect(results.map((r) => r.status)).toEqual(['sent', 'failed', 'gone', 'retry']);
    expect(fixture.received().map((r) => r.token)).toEqual([ok]);
  });

  test('a token the service refuses for good fails', async () => {
    const token = c.bad.token ?? fixture.device();
    if (c.bad.answer) fixture.answer(c.bad.answer, token);
    expect(await sendOne(token)).toEqual({ status: 'failed', error: c.bad.error });
  });

  it.each(c.gone)('a token the service no longer knows is gone ($answer.status)', async ({ answer, error }) => {
    const token = fixture.device();
    fixture.answer(answer, token);
    expect(await sendOne(token)).toEqual({ status: 'gone', error });
  });

  test('a throttled device is retried after Retry-After', async () => {
    const token = fixture.device();
    fixture.answer({ status: 429, retryAfter: 7 }, token);
    expect(await sendOne(token)).toMatchObject({ status: 'retry', retryAfterMs: 7000 });
  });

  it.each([500, 503])('a service error (%i) is retried', async (status) => {
    const token = fixture.device();
    fixture.answer({ status }, token);
    const result = await sendOne(token);
    expect(result).toMatchObject({ status: 'retry' });
    expect(result).not.toHaveProperty('retryAfterMs');
    if (status === 503) expect(result).toMatchObject({ error: c.unavailable });
  });

  test('an unavailable service asking for a pause is retried after it', async () => {
    const token = fixture.device();
    fixture.answer({ status: 503, retryAfter: 30 }, token);
    expect(await sendOne(token)).toEqual({ status: 'retry', error: c.unavailable, retryAfterMs: 30_000 });
  });

  test('a refused connection is retried', async () => {
    const { provider: cut, token } = await fixture.unreachable();
    try {
      const [result] = await cut.send(deliveries([token]), options());
      expect(result).toMatchObject({ status: 'retry', error: expect.stringContaining('ECONNREFUSED') });
    } finally {
      await cut.close();
    }
  });

  test('an answer that does not come in time is retried', async () => {
    const quick = fixture.provider({ timeoutMs: 200 });
    const token = fixture.device();
    fixture.answer({ status: 200, delayMs: 1500 }, token);
    try {
      expect(await quick.send(deliveries([token]), options())).toEqual([{ status: 'retry', error: 'timeout' }]);
    } finally {
      await quick.close();
    }
  });

  test('carries the expiration time', async () => {
    const token = fixture.device();
    const expiresAt = new Date(clock.now + 60 * MINUTE);
    await sendOne(token, { expiresAt });
    expect(fixture.received()[0].expiry).toBe(c.expiry.inAnHour(expiresAt));
  });

  test('credentials the service does not know are refused for good', async () => {
    const stranger = fixture.stranger();
    try {
      expect(await stranger.send(deliveries([fixture.device(), fixture.device()]), options())).toEqual([
        { status: 'failed', error: c.refused },
        { status: 'failed', error: c.refused },
      ]);
    } finally {
      await stranger.close();
    }
  });

  test('reuses credentials across sends and renews them as they age', async () => {
    await provider.send(deliveries([fixture.device(), fixture.device()]), options());
    await sendOne(fixture.device());
    expect(fixture.credentials()).toBe(1);
    clock.now += 30 * MINUTE;
    await sendOne(fixture.device());
    expect(fixture.credentials()).toBe(1);
    clock.now += 31 * MINUTE;
    expect(await sendOne(fixture.device())).toEqual({ status: 'sent' });
    expect(fixture.credentials()).toBe(2);
  });

  test('renews refused credentials once and sends again', async () => {
    expect(await sendOne(fixture.device())).toEqual({ status: 'sent' });
    fixture.refuseCredentials();
    const tokens = [fixture.device(), fixture.device(), fixture.device()];
    expect(await provider.send(deliveries(tokens), options())).toEqual(tokens.map(() => ({ status: 'sent' })));
    expect(fixture.credentials()).toBe(2);
  });

  test('after close, sends answer retry without reaching the service', async () => {
    await provider.close();
    expect(await sendOne(fixture.device())).toEqual({ status: 'retry', error: 'provider closed' });
    expect(fixture.requests()).toBe(0);
  });
});

describe('APNs specifics', () => {
  let fake: FakeApns;
  let provider: PushProvider;
  const config = () => ({ ...keys.apns, production: false, url: fake.url, ca: FakeApns.ca });
  const send = (data: Record<string, unknown>, pushType?: string) =>
    provider.send([{ installationId: 'i', token: hexToken(), data, pushType }], { pushId: 'p' });

  beforeAll(async () => {
    fake = new FakeApns({ ...keys.apns, now, maxConcurrentStreams: 20 });
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    provider = createApnsProvider(config(), { now });
  });
  afterEach(() => provider.close());

  it('sends an alert at priority 10 on the topic', async () => {
    await send({ alert: 'Hi', collapse_id: 'scores' });
    expect(fake.deliveries[0].headers).toMatchObject({
      'apns-topic': keys.apns.topic,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-collapse-id': 'scores',
    });
  });

  it('collapses a push under its own id unless the data names a collapse id: a copy resent after a crash shows as one notification', async () => {
    await send({ alert: 'Hi' });
    expect(fake.deliveries[0].headers['apns-collapse-id']).toBe('p');
  });

  it('sends a silent push as background at priority 5', async () => {
    await send({ 'content-available': 1, refresh: true });
    expect(fake.deliveries[0].headers).toMatchObject({ 'apns-push-type': 'background', 'apns-priority': '5' });
    expect(fake.deliveries[0].body).toEqual({ aps: { 'content-available': 1 }, refresh: true });
  });

  it("follows the installation's push type, with the topic it needs", async () => {
    await send({ alert: 'call' }, 'voip');
    expect(fake.deliveries[0].headers).toMatchObject({ 'apns-push-type': 'voip', 'apns-topic': `${keys.apns.topic}.voip` });
  });

  it('refuses a token that is not hex without asking APNs', async () => {
    expect(await provider.send([{ installationId: 'i', token: 'not/hex', data: {} }], { pushId: 'p' })).toEqual([
      { status: 'failed', error: 'BadDeviceToken' },
    ]);
    expect(fake.requests).toEqual([]);
  });

  it('uses one connection for many requests, within the server’s stream limit', async () => {
    const tokens = Array.from({ length: 200 }, hexToken);
    fake.answer({ status: 200, delayMs: 20 });
    const results = await provider.send(
      tokens.map((token) => ({ installationId: 'i', token, data: { alert: 'x' } })),
      { pushId: 'p' },
    );
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(fake.connections).toBe(1);
    expect(fake.peakStreams).toBeLessThanOrEqual(20);
    expect(fake.peakStreams).toBeGreaterThan(1);
  });

  it('a server that never answers the connection is retried', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const cut = createApnsProvider({ ...config(), url: `https://127.0.0.1:${(silent.address() as { port: number }).port}` }, { now, timeoutMs: 200 });
    try {
      expect(await cut.send([{ installationId: 'i', token: hexToken(), data: {} }], { pushId: 'p' })).toEqual([{ status: 'retry', error: 'timeout' }]);
    } finally {
      await cut.close();
      silent.close();
    }
  });

  it('opens a new connection after GOAWAY', async () => {
    expect(await send({ alert: 'one' })).toEqual([{ status: 'sent' }]);
    fake.goaway();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await send({ alert: 'two' })).toEqual([{ status: 'sent' }]);
    expect(fake.connections).toBe(2);
  });
});

describe('FCM specifics', () => {
  it('a token endpoint that cannot be reached makes the whole batch retry', async () => {
    const provider = createFcmProvider({ ...keys.fcm, tokenUrl: `http://127.0.0.1:${await deadPort()}/token` }, { now });
    const results = await provider.send(
      ['a', 'b'].map((token) => ({ installationId: token, token, data: {} })),
      { pushId: 'p' },
    );
    expect(results).toEqual([
      { status: 'retry', error: 'OAuth ECONNREFUSED' },
      { status: 'retry', error: 'OAuth ECONNREFUSED' },
    ]);
  });

  it('a bare 404 (a wrong project, not a gone token) is not taken for a gone token', async () => {
    const fake = new FakeFcm({ ...keys.fcm, now });
    await fake.start();
    try {
      fake.answer({ status: 404, reason: '' });
      const provider = createFcmProvider({ ...keys.fcm, url: fake.url, tokenUrl: fake.tokenUrl }, { now });
      expect(await provider.send([{ installationId: 'i', token: 't', data: {} }], { pushId: 'p' })).toEqual([{ status: 'failed', error: 'NOT_FOUND' }]);
    } finally {
      await fake.stop();
    }
  });
});

describe('Expo specifics', () => {
  let fake: FakeExpo;
  let url: string;
  beforeAll(async () => {
    fake = new FakeExpo();
    url = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('sends up to 100 messages per request, without credentials when no access token is set', async () => {
    const provider = createExpoProvider({ url }, { now });
    try {
      const tokens = Array.from({ length: 250 }, (_, i) => `ExpoPushToken[device-${i}]`);
      const results = await provider.send(
        tokens.map((token, i) => ({ installationId: `i${i}`, token, data: { alert: 'x' } })),
        { pushId: 'p' },
      );
      expect(results.every((r) => r.status === 'sent')).toBe(true);
      expect(fake.requests.map((r) => r.messages).sort((a, b) => a - b)).toEqual([50, 100, 100]);
      expect(fake.deliveries.map((d) => d.token).sort()).toEqual([...tokens].sort());
      expect(new Set(fake.deliveries.map((d) => d.authorization))).toEqual(new Set([undefined]));
    } finally {
      await provider.close();
    }
  });

  it('refuses a token that is not an Expo push token without asking Expo', async () => {
    const provider = createExpoProvider({ url }, { now });
    try {
      const results = await provider.send(
        [
          { installationId: 'a', token: 'aa'.repeat(32), data: { alert: 'x' } },
          { installationId: 'b', token: 'ExponentPushToken[ok]', data: { alert: 'x' } },
        ],
        { pushId: 'p' },
      );
      expect(results).toEqual([{ status: 'failed', error: 'invalid Expo push token' }, { status: 'sent' }]);
      expect(fake.deliveries.map((d) => d.token)).toEqual(['ExponentPushToken[ok]']);
    } finally {
      await provider.close();
    }
  });

  it('carries title, subtitle, sound, category, channel, priority and silent pushes as Expo fields', async () => {
    const provider = createExpoProvider({ url }, { now });
    try {
      await provider.send(
        [
          {
            installationId: 'a',
            token: 'ExponentPushToken[fields]',
            data: {
              alert: { title: 'T', body: 'B' },
              subtitle: 'S',
              sound: 'default',
              category: 'reply',
              channelId: 'news',
              priority: 'high',
              'content-available': 1,
              'mutable-content': 1,
              uri: 'app://x',
            },
          },
        ],
        { pushId: 'p' },
      );
      expect(fake.deliveries[0].message).toEqual({
        to: 'ExponentPushToken[fields]',
        title: 'T',
        body: 'B',
        subtitle: 'S',
        sound: 'default',
        categoryId: 'reply',
        channelId: 'news',
        priority: 'high',
        _contentAvailable: true,
        mutableContent: true,
        data: { uri: 'app://x' },
      });
    } finally {
      await provider.close();
    }
  });
});

describe('Web Push specifics', () => {
  it('gives a push the Topic of its collapse id, else of its own id, so that a copy sent again replaces its twin while it waits', async () => {
    const fake = new FakeWebPush({ vapidPublicKey: keys.vapid.publicKey, now });
    await fake.start();
    const provider = createWebPushProvider({ ...keys.vapid, allowLocalEndpoints: true }, { now });
    try {
      const token = JSON.stringify(fake.subscribe());
      await provider.send([{ installationId: 'a', token, data: { alert: 'x' } }], { pushId: 'pushA1' });
      await provider.send([{ installationId: 'a', token, data: { alert: 'y', collapse_id: 'scores' } }], { pushId: 'pushB2' });
      // Not a valid Topic (RFC 8030: up to 32 URL-safe base64 characters): none is sent.
      await provider.send([{ installationId: 'a', token, data: { alert: 'z', collapse_id: 'not a topic!' } }], { pushId: 'pushC3' });
      expect(fake.deliveries.map((d) => d.headers.topic)).toEqual(['pushA1', 'scores', undefined]);
    } finally {
      await provider.close();
      await fake.stop();
    }
  });
});

describe('Web Push endpoints', () => {
  it('are reached only over https on public hosts unless local endpoints are allowed', async () => {
    const keys = testKeys();
    const provider = createWebPushProvider(keys.vapid);
    // Real browser keys, so that only the endpoint can be the reason for a refusal.
    const ecdh = createECDH('prime256v1');
    const p256dh = ecdh.generateKeys().toString('base64url');
    const auth = randomBytes(16).toString('base64url');
    const sub = (endpoint: string) => JSON.stringify({ endpoint, keys: { p256dh, auth } });
    const tokens = [
      'http://push.example.com/x',
      'https://127.0.0.1/x',
      'https://localhost/x',
      'https://10.1.2.3/x',
      'https://192.168.0.2/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest',
    ];
    const results = await provider.send(
      tokens.map((t, i) => ({ installationId: String(i), token: sub(t), data: { alert: 'x' } })),
      { pushId: 'p' },
    );
    expect(results.map((r) => r.status)).toEqual(tokens.map(() => 'failed'));
    // The same provider allowed local endpoints tries them (and finds nothing listening: retry).
    const local = createWebPushProvider({ ...keys.vapid, allowLocalEndpoints: true }, { timeoutMs: 2000 });
    const [tried] = await local.send([{ installationId: 'l', token: sub(`http://127.0.0.1:${await deadPort()}/x`), data: {} }], { pushId: 'p' });
    expect(tried.status).toBe('retry');
    await local.close();
    await provider.close();
  });
});

describe('providers', () => {
  it('maps Parse device types to providers', () => {
    expect(['ios', 'osx', 'tvos', 'watchos', 'visionos', 'android', 'web', 'expo', 'win', 'embedded', 'constructor'].map(providerFor)).toEqual([
      'ios',
      'ios',
      'ios',
      'ios',
      'ios',
      'android',
      'web',
      'expo',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('builds the configured providers only', async () => {
    const providers = createProviders({ client: false, batchSize: 500, web: keys.vapid, ios: { ...keys.apns, production: true } });
    expect([providers.get('ios')?.name, providers.get('android'), providers.get('web')?.name]).toEqual(['ios', undefined, 'web']);
    await providers.close();
  });
});

describe('push configuration', () => {
  const apnsJson = { topic: keys.apns.topic, keyId: keys.apns.keyId, teamId: keys.apns.teamId, key: keys.apns.key };

  it('has no services, no client push and batches of 500 by default', () => {
    expect(loadPushConfig({})).toEqual({ client: false, batchSize: 500 });
  });

  it('reads the three services from PLINTH_PUSH', () => {
    const config = loadPushConfig({
      PLINTH_PUSH: JSON.stringify({ ios: { ...apnsJson, production: true }, android: { serviceAccount: keys.fcm.serviceAccount }, web: keys.vapid }),
      PLINTH_CLIENT_PUSH: 'true',
      PLINTH_PUSH_BATCH_SIZE: '1000',
    });
    expect(config).toMatchObject({ client: true, batchSize: 1000, ios: { ...apnsJson, production: true }, web: keys.vapid });
    expect(config.android).toEqual({
      projectId: keys.fcm.projectId,
      clientEmail: keys.fcm.clientEmail,
      privateKey: keys.fcm.privateKey,
      url: undefined,
      tokenUrl: undefined,
    });
  });

  it('reads Expo from PLINTH_PUSH: an optional access token and URL, nothing else', () => {
    expect(loadPushConfig({ PLINTH_PUSH: JSON.stringify({ expo: {} }) }).expo).toEqual({ accessToken: undefined, url: undefined });
    expect(loadPushConfig({ PLINTH_PUSH: JSON.stringify({ expo: { accessToken: 'tok', url: 'http://127.0.0.1:9/send' } }) }).expo).toEqual({
      accessToken: 'tok',
      url: 'http://127.0.0.1:9/send',
    });
    expect(() => loadPushConfig({ PLINTH_PUSH: JSON.stringify({ expo: { acessToken: 'typo' } }) })).toThrow(/PLINTH_PUSH.expo has unknown keys: acessToken/);
    expect(() => loadPushConfig({ PLINTH_PUSH: JSON.stringify({ expo: { accessToken: '' } }) })).toThrow(/PLINTH_PUSH.expo.accessToken is required/);
    expect(() => loadPushConfig({ PLINTH_PUSH: JSON.stringify({ expo: { url: 'exp.host' } }) })).toThrow(/PLINTH_PUSH.expo.url must be an http\(s\) URL/);
  });

  it('reads a key whose line breaks were written as \\n', () => {
    const config = loadPushConfig({ PLINTH_PUSH: JSON.stringify({ ios: { ...apnsJson, key: keys.apns.key.replace(/\n/g, '\\n') } }) });
    expect(config.ios?.key).toBe(keys.apns.key);
  });

  it('accepts the service account as JSON text', () => {
    const config = loadPushConfig({ PLINTH_PUSH: JSON.stringify({ android: { serviceAccount: JSON.stringify(keys.fcm.serviceAccount) } }) });
    expect(config.android?.projectId).toBe(keys.fcm.projectId);
  });

  it.each([
    ['not json', /PLINTH_PUSH must be a JSON object/],
    ['{"apns": {}}', /unknown keys: apns/],
    [JSON.stringify({ ios: { ...apnsJson, topic: undefined } }), /PLINTH_PUSH\.ios\.topic is required/],
    [JSON.stringify({ ios: { ...apnsJson, prod: true } }), /PLINTH_PUSH\.ios has unknown keys: prod/],
    [JSON.stringify({ ios: { ...apnsJson, key: 'nope' } }), /PLINTH_PUSH\.ios\.key must be the PEM text/],
    [JSON.stringify({ ios: { ...apnsJson, key: undefined, keyFile: '/nonexistent/AuthKey.p8' } }), /PLINTH_PUSH\.ios\.keyFile cannot be read/],
    [JSON.stringify({ android: { projectId: 'p' } }), /PLINTH_PUSH\.android\.clientEmail is required/],
    [JSON.stringify({ android: { serviceAccount: '{bad' } }), /PLINTH_PUSH\.android\.serviceAccount must be the JSON/],
    [JSON.stringify({ web: { ...keys.vapid, subject: 'ops@example.com' } }), /PLINTH_PUSH\.web\.subject/],
    [JSON.stringify({ web: { ...keys.vapid, publicKey: 'abc' } }), /PLINTH_PUSH\.web\.publicKey/],
  ])('refuses %s', (value, message) => {
    expect(() => loadPushConfig({ PLINTH_PUSH: value })).toThrow(message);
  });

  it('refuses a batch size out of range', () => {
    expect(() => loadPushConfig({ PLINTH_PUSH_BATCH_SIZE: '0' })).toThrow(/PLINTH_PUSH_BATCH_SIZE/);
    expect(() => loadPushConfig({ PLINTH_CLIENT_PUSH: 'maybe' })).toThrow(/PLINTH_CLIENT_PUSH/);
  });
});
