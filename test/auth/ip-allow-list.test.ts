import { describe, expect, it } from 'vitest';
import { IpAllowList } from '../../src/auth/ip-allow-list.ts';

describe('IpAllowList (masterKeyIps)', () => {
  it('matches single addresses and CIDR ranges, IPv4 and IPv6', () => {
    const list = new IpAllowList(['127.0.0.1', '10.0.0.0/8', '192.168.1.0/24', '::1', '2001:db8::/32', 'fe80::1%eth0'.split('%')[0]]);
    const table: [string, boolean][] = [
      ['127.0.0.1', true],
      ['127.0.0.2', false],
      ['10.255.1.2', true],
      ['11.0.0.1', false],
      ['192.168.1.200', true],
      ['192.168.2.1', false],
      ['::1', true],
      ['::2', false],
      ['2001:db8:ffff::1', true],
      ['2001:db9::1', false],
      ['fe80::1', true],
      ['fe80::1%eth0', true],
      // How a dual-stack socket reports an IPv4 client.
      ['::ffff:10.1.2.3', true],
      ['::ffff:11.1.2.3', false],
      ['not an ip', false],
      ['', true], // no address: in-process, counts as loopback
    ];
    for (const [ip, allowed] of table) expect({ ip, allowed: list.allows(ip || undefined) }).toEqual({ ip, allowed });
  });

  it('in-process requests count as loopback: allowed when 127.0.0.1 or ::1 is listed, refused otherwise', () => {
    expect(new IpAllowList(['127.0.0.1']).allows(undefined)).toBe(true);
    expect(new IpAllowList(['::1']).allows(undefined)).toBe(true);
    expect(new IpAllowList(['10.0.0.0/8']).allows(undefined)).toBe(false);
    expect(new IpAllowList([]).allows(undefined)).toBe(false);
  });

  it('the development default lets every address in', () => {
    const any = new IpAllowList(['0.0.0.0/0', '::/0']);
    for (const ip of ['8.8.8.8', '2a00:1450::1', '::ffff:1.2.3.4', '127.0.0.1']) expect(any.allows(ip)).toBe(true);
  });

  it('refuses entries that are not addresses or ranges, at start-up', () => {
    for (const bad of ['localhost', '10.0.0.0/33', '::/129', '1.2.3.4/x', '1.2.3.4/8/9', '300.1.1.1']) {
      expect(() => new IpAllowList([bad]), bad).toThrow(/is not an IP address or CIDR range/);
    }
  });
});
