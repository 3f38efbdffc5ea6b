import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { RedisPubSub } from '../../src/live/pubsub/index.ts';
import { channels } from '../../src/live/types.ts';
import { eventually, inbox, randomAppId } from '../conformance/pubsub.ts';
import { startProxy } from './redis-proxy.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Log lines, as the server's pino logger writes them. */
function capturedLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines, messages: () => lines.map((l) => l.msg) };
}

describe('RedisPubSub through a Redis outage', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('keeps the process up, reports the outage, and resumes its subscriptions by itself', async () => {
    const proxy = await startProxy(new URL(REDIS_URL));
    cleanup.push(proxy.close);
    const log = capturedLogger();
    const behind = new RedisPubSub({ url: proxy.url, logger: log.logger });
    const direct = new RedisPubSub({ url: REDIS_URL, logger: createLogger('silent') });
    cleanup.push(
      () => behind.close(),
      () => direct.close(),
    );
    await eventually(() => behind.connected && direct.connected, `Redis at ${REDIS_URL} (the live tests need it)`);

    const appId = randomAppId();
    const channel = channels.changes(appId);
    const changes: boolean[] = [];
    behind.onConnectionChange((connected) => changes.push(connected));
    const box = inbox('behind');
    await behind.subscribe(channel, box.handler);
    await direct.publish(channel, 'before');
    await box.until('before');

    proxy.cut();
    // Publishing while Redis is away neither throws nor hangs: it fails, and may be ignored.
    let sent: Promise<void> | undefined;
    expect(() => (sent = behind.publish(channel, 'while away'))).not.toThrow();
    const settled = await Promise.race([
      sent!.then(
        () => 'sent',
        () => 'failed',
      ),
      new Promise((r) => setTimeout(() => r('pending'), 5000)),
    ]);
    expect(settled).toBe('failed');
    behind.publish(channel, 'ignored by its caller'); // an unhandled rejection would fail the run
    await eventually(() => !behind.connected, 'connected to become false');
    expect(changes).toEqual([false]);
    expect(log.lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([expect.stringMatching(/lost the connection to Redis/)]);

    // A subscription made while Redis is away starts when it returns.
    const later = inbox('later');
    const sessions = channels.sessions(appId);
    await behind.subscribe(sessions, later.handler);

    proxy.restore();
    await eventually(() => behind.connected, 'connected to become true again', 10_000);
    expect(changes).toEqual([false, true]);
    expect(log.messages()).toContainEqual(expect.stringMatching(/Redis is reachable again/));
    await direct.publish(channel, 'after');
    await direct.publish(sessions, 'after');
    await Promise.all([box.until('after'), later.until('after')]);
    expect(box.messages).toEqual(['before', 'after']);
    await behind.publish(channel, 'from behind');
    await box.until('from behind');
  });
});
