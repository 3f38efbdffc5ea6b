import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { RedisPubSub, channels, decodeLiveChange } from '../../src/live/index.ts';
import { Auth } from '../../src/security/index.ts';
import { MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { eventually } from '../conformance/pubsub.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * With Redis, an instance publishes a write only when its class is followed somewhere: here, or
 * on another instance that announced it. (Without this every write would be published.)
 */
describe('publishing writes with Redis: only classes someone follows', () => {
  const appId = `interest-${randomUUID()}`;
  let s: TestServer;
  let spy: RedisPubSub;
  const published: string[] = [];
  beforeAll(async () => {
    spy = new RedisPubSub({ url: REDIS_URL, logger: createLogger('silent') });
    await eventually(() => spy.connected, `Redis at ${REDIS_URL} (set REDIS_URL)`, 5000);
    await spy.subscribe(channels.changes(appId), (m) => published.push(decodeLiveChange(m).object.title as string));
    s = await startTestServer({ appId, live: { redisUrl: REDIS_URL } });
    const r = await s.request(
      `mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`,
      {},
      { 'x-parse-application-id': appId, 'x-parse-master-key': MASTER_KEY },
    );
    expect(r.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2100)); // the new instance's grace period: until then it publishes everything
  });
  afterAll(async () => {
    await s?.close();
    await spy?.close();
  });

  const create = (title: string) => s.plinth.core.create(Auth.master(), 'Post', { title });

  it('does not publish a write nobody follows, and publishes once another instance follows the class', async () => {
    await create('unfollowed');
    await new Promise((r) => setTimeout(r, 200));
    expect(published).toEqual([]);
    await spy.publish(channels.interest(appId), JSON.stringify({ from: 'other-instance', classes: ['Post'] }));
    await eventually(
      () => {
        void create('followed');
        return published.includes('followed');
      },
      'a write of a followed class is published',
      3000,
    );
    expect(published).not.toContain('unfollowed');
    await spy.publish(channels.interest(appId), JSON.stringify({ from: 'other-instance', classes: [], gone: true }));
    await new Promise((r) => setTimeout(r, 200));
    const before = published.length;
    await create('let go');
    await new Promise((r) => setTimeout(r, 200));
    expect(published.length).toBe(before);
  });
});
