import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../config/logger.ts';
import type { MessageHandler, PubSub } from '../types.ts';
import { ChannelHandlers } from './handlers.ts';
import { retryStrategy, shutDown, where } from './redis-connection.ts';

export interface RedisPubSubOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  logger?: Logger;
  /** How long a publish may wait for Redis's answer before it fails (default 2000 ms). */
  publishTimeoutMs?: number;
}

/**
 * Fan-out between instances over Redis pub/sub: one connection publishes, one subscribes.
 *
 * - An outage never crashes the process: connection errors are handled, logged once when Redis
 *   goes away and once when it returns; `connected` and onConnectionChange follow the state.
 * - Both connections reconnect by themselves, forever; the subscriber then subscribes again to
 *   every channel that has a handler (also those subscribed while Redis was away), and only
 *   then counts as connected.
 * - Nothing is queued while Redis is away: `publish` then rejects at once (and after
 *   `publishTimeoutMs` at worst). The returned promise is already handled, so a caller on a
 *   write path may ignore it; the message is lost, as the PubSub contract allows.
 * - `subscribe` while Redis is away registers the handler and resolves at once; it receives
 *   messages once the connection is back (`connected` is false until then).
 */
export class RedisPubSub implements PubSub {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers: ChannelHandlers;
  private readonly listeners = new Set<(connected: boolean) => void>();
  /** Channels whose SUBSCRIBE is in flight: a second subscriber waits for the same one. */
  private readonly subscribing = new Map<string, Promise<void>>();
  private readonly logger?: Logger;
  private readonly where: string;
  private pubReady = false;
  private subReady = false;
  private state: 'starting' | 'up' | 'down' = 'starting';
  private closed = false;

  constructor(options: RedisPubSubOptions) {
    this.logger = options.logger;
    this.where = where(options.url);
    this.handlers = new ChannelHandlers(options.logger);
    const common: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy, connectTimeout: 5000 };
    this.pub = new Redis(options.url, { ...common, autoResendUnfulfilledCommands: false, commandTimeout: options.publishTimeoutMs ?? 2000 });
    this.sub = new Redis(options.url, { ...common, autoResubscribe: true });
    this.watch(this.pub, (ready) => (this.pubReady = ready));
    this.watch(this.sub, (ready) => (this.subReady = ready));
    this.sub.on('ready', () => this.resubscribe());
    this.sub.on('message', (channel: string, message: string) => this.handlers.deliver(channel, message));
  }

  get connected(): boolean {
    return this.state === 'up';
  }

  /** Rejects (an already-handled promise) when Redis is away or does not answer in time. */
  publish(channel: string, message: string): Promise<void> {
    const sent = this.closed
      ? Promise.reject(new Error('this PubSub is closed'))
      : this.pub.publish(channel, message).then(
          () => undefined,
          (error: Error) => {
            this.logger?.debug({ err: error, channel }, 'pub/sub message dropped: Redis is unreachable');
            throw new Error(`Redis is unreachable; the message on ${channel} was dropped (${error.message})`);
          },
        );
    sent.catch(() => undefined);
    return sent;
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('this PubSub is closed');
    const own: MessageHandler = (message) => handler(message);
    if (this.handlers.add(channel, own) && this.sub.status === 'ready') {
      const done = this.sub.subscribe(channel).then(
        () => undefined,
        // The connection went away meanwhile: the ready handler subscribes it when it returns.
        (error: Error) => this.logger?.debug({ err: error, channel }, 'SUBSCRIBE failed; retried on reconnect'),
      );
      this.subscribing.set(channel, done);
      void done.finally(() => this.subscribing.get(channel) === done && this.subscribing.delete(channel));
    }
    await this.subscribing.get(channel);
    return async () => {
      if (!this.handlers.remove(channel, own) || this.closed || this.sub.status !== 'ready') return;
      await this.sub.unsubscribe(channel).catch(() => undefined);
    };
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every subscription and both connections; resolves when their sockets are closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.listeners.clear();
    await Promise.all([shutDown(this.pub), shutDown(this.sub)]);
  }

  /** On (re)connection, subscribes every channel that has handlers; then the subscriber is ready. */
  private resubscribe(): void {
    const channels = this.handlers.channels();
    const done = channels.length ? this.sub.subscribe(...channels) : Promise.resolve();
    done.then(
      () => {
        if (this.sub.status !== 'ready' || this.closed) return;
        this.subReady = true;
        this.update();
      },
      (error: Error) => this.logger?.debug({ err: error }, 'resubscribing failed; retried on reconnect'),
    );
  }

  private watch(client: Redis, setReady: (ready: boolean) => void): void {
    // The subscriber counts as ready only once it has subscribed again (resubscribe()).
    if (client === this.pub) client.on('ready', () => (setReady(true), this.update()));
    client.on('close', () => (setReady(false), this.update()));
    client.on('error', (error: Error) => {
      this.logger?.debug({ err: error }, 'Redis connection error');
      if (this.state === 'starting' && !this.closed) {
        this.state = 'down';
        this.logger?.warn({ redis: this.where, err: error }, 'cannot reach Redis: live events are not shared with other instances until it is reachable');
      }
    });
  }

  private update(): void {
    if (this.closed) return;
    const up = this.pubReady && this.subReady;
    if (up === this.connected) return;
    const previous = this.state;
    this.state = up ? 'up' : 'down';
    if (up) this.logger?.info({ redis: this.where }, previous === 'down' ? 'Redis is reachable again: live events are shared again' : 'connected to Redis');
    else this.logger?.warn({ redis: this.where }, 'lost the connection to Redis: live events are not shared with other instances until it returns');
    for (const listener of [...this.listeners]) {
      try {
        listener(up);
      } catch (error) {
        this.logger?.error({ err: error }, 'a connection listener threw');
      }
    }
  }
}
