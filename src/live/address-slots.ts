import { clientKey } from '../auth/rate-limit.ts';

/**
 * Long-lived connections held per client address, one budget for every transport that holds
 * them open (graphql-ws sockets, subscriptions over server-sent events, Parse LiveQuery
 * sockets): PLINTH_LIVE_MAX_CONNECTIONS_PER_IP is a limit per address, not per protocol.
 * Addresses are keyed as the rate limits key them (an IPv6 /64, an IPv4-mapped address as IPv4).
 */
export class AddressSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly maxPerAddress: number) {}

  /** Takes a slot for a connection from `ip`: its release (safe to call twice), or undefined when the address is at its limit. */
  take(ip: string | undefined): (() => void) | undefined {
    const key = clientKey(ip);
    const count = this.held.get(key) ?? 0;
    if (count >= this.maxPerAddress) return undefined;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}
