import { BlockList, isIP } from 'node:net';

/** The addresses a request without a socket (in-process, e.g. `yoga.fetch`) counts as. */
const LOOPBACK = ['127.0.0.1', '::1'];
/** Addresses whose answer is remembered at most. */
const MAX_REMEMBERED = 4096;

/**
 * A list of addresses and CIDR ranges, IPv4 and IPv6 ("10.0.0.0/8", "::1", "2001:db8::/32"),
 * as PLINTH_MASTER_KEY_IPS gives them. A bad entry is an error at start-up, not a silent miss.
 * IPv4-mapped IPv6 addresses ("::ffff:10.1.2.3", how a dual-stack socket reports IPv4 clients)
 * match the IPv4 entries.
 */
export class IpAllowList {
  private readonly list = new BlockList();

  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const [address, bits, extra] = entry.trim().split('/');
      const family = isIP(address);
      const prefix = bits === undefined ? undefined : Number(bits);
      const max = family === 4 ? 32 : 128;
      if (!family || extra !== undefined || (prefix !== undefined && (!/^\d+$/.test(bits) || prefix > max))) {
        throw new Error(`"${entry}" is not an IP address or CIDR range (masterKeyIps)`);
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, prefix, type);
    }
  }

  /**
   * Answers by address, remembered: BlockList.check builds a SocketAddress on every call, and
   * the master key's check asks on every request (a client keeps its address). Bounded: the
   * memory is dropped whole when full, so a flood of addresses costs nothing but the checks.
   */
  private readonly answers = new Map<string, boolean>();

  /** Whether an address is on the list; no address (an in-process request) counts as loopback. */
  allows(ip: string | undefined): boolean {
    const key = ip ?? '';
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.check(ip);
      if (this.answers.size >= MAX_REMEMBERED) this.answers.clear();
      this.answers.set(key, answer);
    }
    return answer;
  }

  private check(ip: string | undefined): boolean {
    if (!ip) return LOOPBACK.some((a) => this.check(a));
    const address = ip.split('%')[0];
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return this.list.check(mapped[1], 'ipv4') || this.list.check(address, 'ipv6');
    const family = isIP(address);
    if (!family) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
