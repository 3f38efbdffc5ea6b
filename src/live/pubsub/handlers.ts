import type { Logger } from '../../config/logger.ts';
import type { MessageHandler } from '../types.ts';

/**
 * One instance's subscribers, by channel: what a transport hands each arriving message to.
 * A handler that throws is logged and the others still get the message.
 */
export class ChannelHandlers {
  private readonly byChannel = new Map<string, Set<MessageHandler>>();

  constructor(private readonly logger?: Logger) {}

  /** Adds a handler; true when it is the channel's first (the transport must subscribe). */
  add(channel: string, handler: MessageHandler): boolean {
    let set = this.byChannel.get(channel);
    const first = !set;
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(handler);
    return first;
  }

  /** Removes a handler; true when the channel has none left (the transport may unsubscribe). */
  remove(channel: string, handler: MessageHandler): boolean {
    const set = this.byChannel.get(channel);
    if (!set?.delete(handler)) return false;
    if (set.size) return false;
    this.byChannel.delete(channel);
    return true;
  }

  has(channel: string, handler: MessageHandler): boolean {
    return this.byChannel.get(channel)?.has(handler) ?? false;
  }

  channels(): string[] {
    return [...this.byChannel.keys()];
  }

  clear(): void {
    this.byChannel.clear();
  }

  /** Hands `message` to every handler of `channel` (a copy of the set: handlers may unsubscribe). */
  deliver(channel: string, message: string): void {
    const set = this.byChannel.get(channel);
    if (!set) return;
    for (const handler of [...set]) {
      if (!set.has(handler)) continue;
      try {
        handler(message);
      } catch (error) {
        this.logger?.error({ err: error, channel }, 'a pub/sub message handler threw');
      }
    }
  }
}
