import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus, MemoryPubSub, SharedInterest, channels } from '../../src/live/index.ts';
import { eventually } from '../conformance/pubsub.ts';

const APP = 'interest-test';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Instances on one bus (as on one Redis), each announcing what `follow` holds for it. */
function cluster() {
  const bus = new MemoryBus();
  const started: SharedInterest[] = [];
  return {
    bus,
    async instance(follow: string[] = [], options: { graceMs?: number; announceMs?: number } = {}) {
      const interest = new SharedInterest({
        pubsub: new MemoryPubSub(bus),
        appId: APP,
        local: () => follow,
        graceMs: options.graceMs ?? 60,
        announceMs: options.announceMs ?? 1000,
      });
      await interest.start();
      started.push(interest);
      return { interest, follow };
    },
    close: () => Promise.all(started.map((i) => i.close())),
  };
}

let current: ReturnType<typeof cluster> | undefined;
afterEach(() => current?.close());

describe('SharedInterest: which classes any instance follows', () => {
  it('counts every class as followed until the others can have answered, then only what they follow', async () => {
    const c = (current = cluster());
    const b = await c.instance(['Post']);
    const { interest: a } = await c.instance([]);
    expect(a.has('Comment')).toBe(true); // new: not heard from the others yet
    await wait(80);
    expect(a.has('Post')).toBe(true); // b answered a's hello
    expect(a.has('Comment')).toBe(false);
    expect(b.interest.has('Post')).toBe(false); // a follows nothing; b's own classes are b's hub's business
  });

  it('hears a class followed or let go at once, and forgets an instance that stops', async () => {
    const c = (current = cluster());
    const { interest: a } = await c.instance([]);
    const b = await c.instance([]);
    await wait(80);
    expect(a.has('Post')).toBe(false);
    b.follow.push('Post');
    b.interest.changed();
    await eventually(() => a.has('Post'), 'a hears that b follows Post', 500);
    b.follow.length = 0;
    b.interest.changed();
    await eventually(() => !a.has('Post'), 'a hears that b let Post go', 500);
    b.follow.push('Post');
    b.interest.changed();
    await eventually(() => a.has('Post'), 'b follows Post again', 500);
    await b.interest.close();
    await eventually(() => !a.has('Post'), 'a forgets b once it stops', 500);
  });

  it('forgets an instance that went silent after three announcement periods', async () => {
    const c = (current = cluster());
    const { interest: a } = await c.instance([], { announceMs: 50 });
    await wait(80);
    // An instance that announced once and then died without saying so.
    await new MemoryPubSub(c.bus).publish(channels.interest(APP), JSON.stringify({ from: 'crashed', classes: ['Post'] }));
    await eventually(() => a.has('Post'), 'a hears the announcement', 500);
    await wait(100);
    expect(a.has('Post')).toBe(true);
    await eventually(() => !a.has('Post'), 'a forgets the silent instance', 1000);
  });

  it('ignores malformed messages', async () => {
    const c = (current = cluster());
    const { interest: a } = await c.instance([]);
    await wait(80);
    const other = new MemoryPubSub(c.bus);
    for (const m of ['nope', '{}', JSON.stringify({ from: 1, classes: ['Post'] })]) await other.publish(channels.interest(APP), m);
    await wait(20);
    expect(a.has('Post')).toBe(false);
  });
});
