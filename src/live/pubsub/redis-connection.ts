import type { Redis } from 'ioredis';

/* The lifecycle of one ioredis connection, as RedisPubSub uses it. */

/** Reconnect quickly at first, then every two seconds, forever. */
export const retryStrategy = (attempt: number) => Math.min(attempt * 100, 2000);

/** host:port of a Redis URL, for log lines (never the password). */
export function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return 'redis';
  }
}

/** Closes one connection: QUIT when it is up, otherwise drop the socket and stop reconnecting. */
export async function shutDown(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready' && client.status !== 'connecting' && client.status !== 'connect') {
    // Between attempts there is no socket, and ioredis would never emit 'end': stop the timer.
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    client.once('end', resolve);
    timer = setTimeout(() => (client.disconnect(), resolve()), 2000);
  });
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
  await ended;
  clearTimeout(timer);
}
