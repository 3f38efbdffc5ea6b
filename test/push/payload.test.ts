import { describe, expect, it } from 'vitest';
import { mapLimited, retryAfterMs } from '../../src/push/providers/http.ts';
import { apnsNotification, expoMessage, fcmMessage, ttlSeconds, webPushPayload } from '../../src/push/providers/payload.ts';

/*
 * Parse's push data in each provider's shape, as parse-server-push-adapter builds it
 * (APNSNative.js `_generateNotification`, FCM.js `_GCMToFCMPayload`).
 */

const TOPIC = 'com.example.app';
const apns = (data: Record<string, unknown>, options: { expiresAt?: Date; pushType?: string; pushId?: string } = {}) =>
  apnsNotification(data, { topic: TOPIC, ...options });

describe('APNs notification', () => {
  it('puts a text alert in aps.alert.body and custom keys beside aps', () => {
    expect(apns({ alert: 'Hello', badge: 2, sound: 'ping.caf', score: 7, uri: 'app://scores' })).toEqual({
      pushType: 'alert',
      priority: 10,
      topic: TOPIC,
      expiration: undefined,
      collapseId: undefined,
      id: undefined,
      payload: { aps: { alert: { body: 'Hello' }, badge: 2, sound: 'ping.caf' }, score: 7, uri: 'app://scores' },
    });
  });

  it('keeps an alert dictionary and adds the title to it', () => {
    expect(apns({ title: 'News', alert: { body: 'Read', 'loc-key': 'K' } }).payload).toEqual({
      aps: { alert: { title: 'News', body: 'Read', 'loc-key': 'K' } },
    });
    expect(apns({ alert: 'Read', title: 'News' }).payload).toEqual({ aps: { alert: { body: 'Read', title: 'News' } } });
  });

  it('maps the aps keys Parse knows', () => {
    const { payload } = apns({
      alert: 'a',
      'content-available': 1,
      'mutable-content': 1,
      category: 'INVITE',
      threadId: 'chat-1',
      targetContentIdentifier: 'win-1',
      interruptionLevel: 'time-sensitive',
    });
    expect(payload).toEqual({
      aps: {
        alert: { body: 'a' },
        'content-available': 1,
        'mutable-content': 1,
        category: 'INVITE',
        'thread-id': 'chat-1',
        'target-content-id': 'win-1',
        'interruption-level': 'time-sensitive',
      },
    });
    expect(apns({ 'thread-id': 'chat-2' }).payload).toEqual({ aps: { 'thread-id': 'chat-2' } });
  });

  it('sets content-available and mutable-content only when on', () => {
    expect(apns({ alert: 'a', 'content-available': 0, 'mutable-content': false }).payload).toEqual({ aps: { alert: { body: 'a' } } });
    expect(apns({ 'content-available': true }).payload).toEqual({ aps: { 'content-available': 1 } });
  });

  it('merges a raw aps dictionary, the named keys winning', () => {
    expect(apns({ aps: { alert: 'raw', 'relevance-score': 0.5 }, title: 'T' }).payload).toEqual({
      aps: { alert: { body: 'raw', title: 'T' }, 'relevance-score': 0.5 },
    });
  });

  it('sends a number badge and leaves out one that is not', () => {
    expect(apns({ badge: '4' }).payload).toEqual({ aps: { badge: 4 } });
    expect(apns({ badge: 'Increment' }).payload).toEqual({ aps: {} });
  });

  it('sends a silent push as background at priority 5', () => {
    expect(apns({ 'content-available': 1, sync: true })).toMatchObject({
      pushType: 'background',
      priority: 5,
      payload: { aps: { 'content-available': 1 }, sync: true },
    });
    expect(apns({ 'content-available': 1, badge: 1 })).toMatchObject({ pushType: 'alert', priority: 10 });
  });

  it('takes the push type from the data, then the installation, with the topic suffix it needs', () => {
    expect(apns({ alert: 'a' }, { pushType: 'voip' })).toMatchObject({ pushType: 'voip', topic: `${TOPIC}.voip` });
    expect(apns({ alert: 'a', push_type: 'liveactivity' }, { pushType: 'voip' })).toMatchObject({
      pushType: 'liveactivity',
      topic: `${TOPIC}.push-type.liveactivity`,
    });
    expect(apns({ alert: 'a', pushType: 'location' })).toMatchObject({ pushType: 'location', topic: `${TOPIC}.location-query` });
    // Parse's installations have carried pushType "gcm"; it is no APNs push type.
    expect(apns({ alert: 'a' }, { pushType: 'gcm' })).toMatchObject({ pushType: 'alert', topic: TOPIC });
  });

  it('turns header keys into headers, never into the body', () => {
    const note = apns({
      alert: 'a',
      collapse_id: 'score',
      priority: 5,
      expiry: 1_900_000_000,
      id: '123e4567-e89b-12d3-a456-426614174000',
      topic: 'x',
      push_type: 'alert',
    });
    expect(note).toMatchObject({ collapseId: 'score', priority: 5, expiration: 1_900_000_000, id: '123e4567-e89b-12d3-a456-426614174000' });
    expect(note.payload).toEqual({ aps: { alert: { body: 'a' } } });
    expect(apns({ collapseId: 'c', id: 'not-a-uuid' })).toMatchObject({ collapseId: 'c', id: undefined });
    // The push's own id is the collapse id unless the data names one.
    expect(apns({ alert: 'a' }, { pushId: 'push1' })).toMatchObject({ collapseId: 'push1' });
    expect(apns({ alert: 'a', collapse_id: 'score' }, { pushId: 'push1' })).toMatchObject({ collapseId: 'score' });
  });

  it('expires at the push expiration time, in seconds', () => {
    expect(apns({ alert: 'a' }, { expiresAt: new Date(1_700_000_000_500) }).expiration).toBe(1_700_000_000);
  });

  it('has no expiration without an expiry, so that APNs stores it for an offline device (0 only when the data asks)', () => {
    expect(apns({ alert: 'a' }).expiration).toBeUndefined();
    expect(apns({ alert: 'a', expiry: 0 }).expiration).toBe(0);
  });
});

describe('FCM message', () => {
  const now = Date.parse('2026-01-02T03:04:05.000Z');

  it("is a data message as Parse's Android SDK reads it", () => {
    const data = { alert: 'Hello', title: 'T', uri: 'app://x', nested: { a: [1] }, badge: 3, 'content-available': 1 };
    expect(fcmMessage('tok', data, { pushId: 'p1', now })).toEqual({
      message: {
        token: 'tok',
        data: { push_id: 'p1', time: '2026-01-02T03:04:05.000Z', data: JSON.stringify({ alert: 'Hello', title: 'T', uri: 'app://x', nested: { a: [1] } }) },
        android: { priority: 'high' },
      },
    });
  });

  it('has a TTL up to the expiration time, at most four weeks, and the collapse key', () => {
    const inAnHour = fcmMessage('t', { collapse_id: 'scores' }, { pushId: 'p', now, expiresAt: new Date(now + 3_600_500) });
    expect((inAnHour.message as { android: unknown }).android).toEqual({ priority: 'high', ttl: '3600s', collapse_key: 'scores' });
    const far = fcmMessage('t', {}, { pushId: 'p', now, expiresAt: new Date(now + 90 * 86_400_000) });
    expect((far.message as { android: { ttl: string } }).android.ttl).toBe(`${28 * 86_400}s`);
    const past = fcmMessage('t', {}, { pushId: 'p', now, expiresAt: new Date(now - 1000) });
    expect((past.message as { android: { ttl: string } }).android.ttl).toBe('0s');
  });
});

describe('Web Push payload', () => {
  it('is the JSON of the data', () => {
    const data = { alert: 'Hi', badge: 1, nested: { a: true } };
    expect(JSON.parse(webPushPayload(data))).toEqual(data);
  });

  it('lives four weeks unless the push expires sooner', () => {
    expect(ttlSeconds(undefined, 0)).toBe(2_419_200);
    expect(ttlSeconds(new Date(90_000), 0)).toBe(90);
  });
});

describe('helpers', () => {
  it('reads Retry-After in seconds or as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('maps with bounded concurrency, keeping the order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe('expoMessage', () => {
  it('puts the alert, title and badge in their fields and every other key in data, with a TTL when the push expires', () => {
    const now = Date.parse('2027-01-01T00:00:00Z');
    expect(expoMessage({ alert: 'Hi', title: 'T', badge: 2, screen: 'inbox', nested: { a: 1 } }, { now })).toEqual({
      title: 'T',
      body: 'Hi',
      badge: 2,
      data: { screen: 'inbox', nested: { a: 1 } },
    });
    expect(expoMessage({ alert: 'x' }, { now, expiresAt: new Date(now + 3_600_000) })).toEqual({ body: 'x', ttl: 3600 });
    // What Expo would refuse is left out: a priority it does not know, a badge that is not a number.
    expect(expoMessage({ alert: 'x', priority: 10, badge: 'Increment' }, { now })).toEqual({ body: 'x' });
  });
});
