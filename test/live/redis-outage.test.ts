import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { RedisPubSub } from '../../src/live/pubsub/index.ts';
import { channels } from '../../src/live/types.ts';
import { eventually, inbox, randomAppId } from '../conformance/pubsub.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A TCP proxy in front of Redis that can be cut (every connection dropped, new ones refused at
 * once, as when Redis or the network goes away) and restored.
 */
async function startProxy(target: URL) {
  const open = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) return void client.destroy();
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      open.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => (open.delete(from), to.destroy()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const cut = () => {
    up = false;
    for (const socket of open) socket.destroy();
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    cut,
    restore: () => void (up = true),
    close: () => (cut(), new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

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
    cleanup.push(() => behind.close(), () => direct.close());
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
    const settled = await Promise.race([sent!.then(() => 'sent', () => 'failed'), new Promise((r) => setTimeout(() => r('pending'), 5000))]);
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
