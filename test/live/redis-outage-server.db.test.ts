import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import type { LiveEvent } from '../../src/live/index.ts';
import { MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { eventually } from '../conformance/pubsub.ts';
import { startProxy } from './redis-proxy.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A whole server on Redis through an outage: the API keeps working, live events come back by themselves. */
describe('a server whose Redis goes away and returns', () => {
  const appId = `outage-${randomUUID()}`;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let s: TestServer;
  beforeAll(async () => {
    proxy = await startProxy(new URL(REDIS_URL));
    s = await startTestServer({ appId, live: { redisUrl: proxy.url } });
    await eventually(() => s.plinth.live.pubsub.connected, `Redis at ${REDIS_URL} (set REDIS_URL)`, 5000);
  });
  afterAll(async () => {
    await s?.close();
    await proxy?.close();
  });

  const gql = (query: string) => s.request(query, {}, { 'x-parse-application-id': appId, 'x-parse-master-key': MASTER_KEY });

  it('keeps serving queries and mutations during the outage, and delivers events again after it', async () => {
    expect(
      (await gql(`mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`)).errors,
    ).toBeUndefined();
    const events: LiveEvent[] = [];
    const stream = s.plinth.live.hub.subscribe({ auth: Auth.master(), className: 'Post', where: { kind: 'const', value: true }, fields: ['title'] });
    void (async () => {
      for await (const e of stream) events.push(e);
    })();
    const createPost = async (title: string) => {
      const r = await gql(`mutation { createPost(input: { fields: { title: "${title}" } }) { post { objectId } } }`);
      expect(r.errors).toBeUndefined();
    };
    const seen = (title: string) => events.some((e) => e.object.title === title);
    // Sent while polling for the event, not awaited there: awaited (and checked) before the test ends.
    const polled: Promise<void>[] = [];
    const poll = (title: string) => void polled.push(createPost(title));

    await eventually(() => (poll('before'), seen('before')), 'an event before the outage', 5000);

    proxy.cut();
    await eventually(() => !s.plinth.live.pubsub.connected, 'the server notices the outage', 5000);
    for (let i = 0; i < 3; i++) await createPost(`during ${i}`);
    const listed = await gql(`{ posts(where: { title: { equalTo: "during 2" } }) { count } }`);
    expect(listed.errors).toBeUndefined();
    expect(listed.data.posts.count).toBe(1);

    proxy.restore();
    await eventually(() => s.plinth.live.pubsub.connected, 'the server reconnects by itself', 15000);
    await eventually(() => (poll('after'), seen('after')), 'events flow again after the outage', 10000);
    await Promise.all(polled);
    await stream.return?.();
  });
});
