import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels, type PubSub } from '../../src/live/types.ts';

/** Two PubSub instances on one transport: two Plinth instances sharing their fan-out. */
export interface PubSubHarness {
  a: PubSub;
  b: PubSub;
  /** Closes what the harness started besides a and b (which the suite closes). */
  close?(): Promise<void>;
}

/** Waits until `check` holds, polling every 10 ms; fails with `what` after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A subscriber that keeps what it receives. */
export function inbox(name = 'inbox') {
  const messages: string[] = [];
  return {
    messages,
    handler: (message: string) => void messages.push(message),
    /** Waits until `message` has arrived. */
    until: (message: string) => eventually(() => messages.includes(message), `${name} to receive "${message}"`),
  };
}

/** Sockets, servers and timers the process holds, by kind (process.getActiveResourcesInfo). */
function openResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (/TCP|Pipe|Timeout|Immediate/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** The kinds of which more are open now than before. */
function leftOpen(before: Record<string, number>, now: Record<string, number>): string[] {
  return Object.keys(now)
    .filter((kind) => now[kind] > (before[kind] ?? 0))
    .map((kind) => `${now[kind] - (before[kind] ?? 0)} ${kind}`);
}

/** A fresh application id: channels of one test run never meet another run's. */
export const randomAppId = () => `test_${randomBytes(6).toString('hex')}`;

/**
 * The pub/sub seam's shared suite (live/types.ts PubSub): every implementation runs it. Since
 * delivery is asynchronous, "nothing else arrived" is checked by publishing a last marker
 * after the message that must not arrive, from the same publisher on the same path, and
 * looking once the marker is there.
 */
export function pubsubConformance(name: string, start: () => Promise<PubSubHarness>): void {
  describe(`PubSub conformance: ${name}`, () => {
    let h: PubSubHarness;
    let appId: string;
    let channel: string;
    let before: Record<string, number>;
    beforeEach(async () => {
      before = openResources();
      h = await start();
      appId = randomAppId();
      channel = channels.changes(appId);
    });
    afterEach(async () => {
      await Promise.all([h?.a.close(), h?.b.close()]);
      await h?.close?.();
    });

    it('is connected once started', () => {
      expect(h.a.connected).toBe(true);
      expect(h.b.connected).toBe(true);
    });

    it("delivers a message once to every subscriber of the channel, the publisher's own instance included", async () => {
      const [a1, a2, b1] = [inbox('a1'), inbox('a2'), inbox('b1')];
      await h.a.subscribe(channel, a1.handler);
      await h.a.subscribe(channel, a2.handler);
      await h.b.subscribe(channel, b1.handler);
      await h.a.publish(channel, 'hello');
      await h.a.publish(channel, 'end');
      for (const box of [a1, a2, b1]) {
        await box.until('end');
        expect(box.messages).toEqual(['hello', 'end']);
      }
    });

    it('delivers what either instance publishes to both', async () => {
      const [a1, b1] = [inbox('a1'), inbox('b1')];
      await h.a.subscribe(channel, a1.handler);
      await h.b.subscribe(channel, b1.handler);
      await h.b.publish(channel, 'from b');
      await h.a.publish(channel, 'from a');
      await Promise.all([a1.until('from b'), a1.until('from a'), b1.until('from b'), b1.until('from a')]);
      expect(a1.messages.sort()).toEqual(['from a', 'from b']);
      expect(b1.messages.sort()).toEqual(['from a', 'from b']);
    });

    it('never runs a subscriber inside the publish call', async () => {
      const received = inbox();
      await h.a.subscribe(channel, received.handler);
      const sent = h.a.publish(channel, 'deferred');
      expect(received.messages).toEqual([]);
      await sent;
      await received.until('deferred');
    });

    it('stops delivering to a subscription once it is ended, and only to that one', async () => {
      const [stopped, kept, otherStopped, otherKept] = [inbox('stopped'), inbox('kept'), inbox('otherStopped'), inbox('otherKept')];
      const end = await h.a.subscribe(channel, stopped.handler);
      await h.a.subscribe(channel, kept.handler);
      const endOther = await h.b.subscribe(channel, otherStopped.handler);
      await h.b.subscribe(channel, otherKept.handler);
      await h.b.publish(channel, 'before');
      await Promise.all([stopped, kept, otherStopped, otherKept].map((box) => box.until('before')));
      await end();
      await endOther();
      await h.b.publish(channel, 'after');
      await Promise.all([kept.until('after'), otherKept.until('after')]);
      expect(stopped.messages).toEqual(['before']);
      expect(otherStopped.messages).toEqual(['before']);
      expect(kept.messages).toEqual(['before', 'after']);
    });

    it('the same handler subscribed twice is two subscriptions', async () => {
      const box = inbox();
      const end = await h.a.subscribe(channel, box.handler);
      await h.a.subscribe(channel, box.handler);
      await h.a.publish(channel, 'twice');
      await eventually(() => box.messages.length === 2, 'two deliveries');
      await end();
      await h.a.publish(channel, 'once');
      await box.until('once');
      expect(box.messages).toEqual(['twice', 'twice', 'once']);
    });

    it('keeps channels and applications apart', async () => {
      const otherApp = randomAppId();
      const names = [channels.changes(appId), channels.schema(appId), channels.sessions(appId), channels.changes(otherApp)];
      const boxes = names.map((n) => inbox(n));
      for (const [i, n] of names.entries()) await h.b.subscribe(n, boxes[i].handler);
      for (const n of names) await h.a.publish(n, `on ${n}`);
      for (const [i, n] of names.entries()) await boxes[i].until(`on ${n}`);
      // Publish each channel's marker once more, after all the others' messages.
      for (const n of names) await h.a.publish(n, `end ${n}`);
      for (const [i, n] of names.entries()) {
        await boxes[i].until(`end ${n}`);
        expect(boxes[i].messages).toEqual([`on ${n}`, `end ${n}`]);
      }
    });

    it("keeps one publisher's messages in order, even when published without waiting", async () => {
      const [a1, b1] = [inbox('a1'), inbox('b1')];
      await h.a.subscribe(channel, a1.handler);
      await h.b.subscribe(channel, b1.handler);
      const sent = Array.from({ length: 200 }, (_, i) => String(i));
      await Promise.all(sent.map((m) => h.a.publish(channel, m)));
      await Promise.all([a1.until('199'), b1.until('199')]);
      expect(a1.messages).toEqual(sent);
      expect(b1.messages).toEqual(sent);
    });

    it('carries any text unchanged', async () => {
      const box = inbox();
      await h.b.subscribe(channel, box.handler);
      const text = JSON.stringify({ é: 'ünïcødé ✓ 🚀', nul: '\u0000', lines: 'a\r\nb', big: 'x'.repeat(256 * 1024) });
      await h.a.publish(channel, text);
      await h.a.publish(channel, 'end');
      await box.until('end');
      expect(box.messages).toEqual([text, 'end']);
    });

    it('a throwing subscriber does not stop the others', async () => {
      const box = inbox();
      await h.a.subscribe(channel, () => {
        throw new Error('subscriber bug');
      });
      await h.a.subscribe(channel, box.handler);
      await h.a.publish(channel, 'still delivered');
      await box.until('still delivered');
    });

    it('close() ends cleanly: no socket or timer of its own is left open', async () => {
      const box = inbox();
      await h.a.subscribe(channel, box.handler);
      await h.b.subscribe(channel, () => undefined);
      await h.b.publish(channel, 'one');
      await box.until('one');
      await Promise.all([h.a.close(), h.b.close()]);
      await h.close?.();
      await eventually(() => leftOpen(before, openResources()).length === 0, 'resources to be released').catch(() => {
        throw new Error(`left open: ${leftOpen(before, openResources()).join(', ')}`);
      });
    });

    it('after close, refuses to publish or subscribe and delivers nothing more', async () => {
      const [closed, open] = [inbox('closed'), inbox('open')];
      await h.a.subscribe(channel, closed.handler);
      await h.b.subscribe(channel, open.handler);
      await h.a.close();
      await expect(h.a.publish(channel, 'x')).rejects.toThrow(/closed/);
      // A write path may ignore the outcome: that must not be an unhandled rejection.
      void h.a.publish(channel, 'ignored');
      await expect(h.a.subscribe(channel, () => undefined)).rejects.toThrow(/closed/);
      await h.b.publish(channel, 'after close');
      await open.until('after close');
      expect(closed.messages).toEqual([]);
    });
  });
}
