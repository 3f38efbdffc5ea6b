import type { Logger } from '../../config/logger.ts';
import type { MessageHandler, PubSub } from '../types.ts';
import { ChannelHandlers } from './handlers.ts';

/**
 * What in-memory PubSub instances share: a message published through one reaches the
 * subscribers of all. One process has one bus per Plinth deployment it simulates (tests run
 * two "instances" on one bus); each MemoryPubSub made without a bus gets its own.
 */
export class MemoryBus {
  readonly members = new Set<MemoryPubSub>();
}

/**
 * The default fan-out, for a single instance: no server, never disconnected. Delivery is
 * deferred (a microtask), so a publisher never runs subscriber code inside its own call;
 * messages of one channel arrive in the order they were published, each at most once.
 */
export class MemoryPubSub implements PubSub {
  readonly connected = true;
  private readonly handlers: ChannelHandlers;
  private closed = false;

  constructor(
    private readonly bus: MemoryBus = new MemoryBus(),
    logger?: Logger,
  ) {
    this.handlers = new ChannelHandlers(logger);
    bus.members.add(this);
  }

  /**
   * Queues delivery to every subscriber on the bus and resolves; it never runs a handler inline.
   * Rejects once closed (an already-handled promise: a caller may ignore it).
   */
  publish(channel: string, message: string): Promise<void> {
    if (this.closed) {
      const refused = Promise.reject(new Error('this PubSub is closed'));
      refused.catch(() => undefined);
      return refused;
    }
    const members = [...this.bus.members];
    queueMicrotask(() => {
      for (const member of members) member.handlers.deliver(channel, message);
    });
    return Promise.resolve();
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('this PubSub is closed');
    // A function of its own per subscription: the same handler may be subscribed twice.
    const own: MessageHandler = (message) => handler(message);
    this.handlers.add(channel, own);
    return async () => {
      this.handlers.remove(channel, own);
    };
  }

  /** Never changes: there is no transport to lose. */
  onConnectionChange(): () => void {
    return () => undefined;
  }

  /** Ends every subscription of this instance; messages already queued to it are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    this.bus.members.delete(this);
  }
}
