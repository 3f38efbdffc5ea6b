import dns, { type LookupAddress } from 'node:dns';
import type { Agent, ClientRequestArgs } from 'node:http';
import { BlockList, type LookupFunction, Socket, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Agents, keepAliveAgents } from './http.ts';

/*
 * Web Push endpoints are written by clients (an installation's deviceToken), so the server must
 * not be aimed at its own network through them. Host names are not judged by their text: the
 * address actually connected to is, when the connection is made — an IP literal as it is, a
 * name once resolved — so that no spelling (`[::ffff:127.0.0.1]`, `[::]`, a DNS name that
 * resolves to 127.0.0.1 or 169.254.169.254) gets past.
 */

/** The error code of a connection refused because its address is not public. */
export const NOT_PUBLIC = 'ENOTPUBLIC';

/** Resolves a host name to all its addresses (dns.lookup with `all: true`; tests inject one). */
export type Resolver = (hostname: string, options: { family?: number; hints?: number }) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname, options) => dns.promises.lookup(hostname, { ...options, all: true, verbatim: true });

/** IPv4 ranges that are not the public internet (IANA special-purpose registry, and multicast). */
const IPV4_NOT_PUBLIC: [string, number][] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches the host itself
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

/** IPv6 ranges that are not the public internet (forms embedding an IPv4 address are judged by it, below). */
const IPV6_NOT_PUBLIC: [string, number][] = [
  ['::', 96], // unspecified, loopback, IPv4-compatible (deprecated)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments, Teredo included
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

function blockList(family: 'ipv4' | 'ipv6', ranges: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

const IPV4_BLOCKED = blockList('ipv4', IPV4_NOT_PUBLIC);
const IPV6_BLOCKED = blockList('ipv6', IPV6_NOT_PUBLIC);

/** The eight 16-bit words of an IPv6 address (valid, as net.isIP says; a zone is dropped). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  if (text.includes('.')) {
    // A dotted quad at the end (::ffff:127.0.0.1): two words.
    const at = text.lastIndexOf(':');
    const [a, b, c, d] = text
      .slice(at + 1)
      .split('.')
      .map(Number);
    text = `${text.slice(0, at + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = text.includes('::') ? text.split('::') : [text, undefined];
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const fill = right === undefined ? [] : new Array<string>(8 - head.length - tail.length).fill('0');
  return [...head, ...fill, ...tail].map((word) => Number.parseInt(word, 16));
}

const quad = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/** The IPv4 address an IPv6 one stands for: IPv4-mapped and -translated, NAT64, 6to4. */
function embeddedIpv4(w: number[]): string | undefined {
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && w[5] === 0xffff) return quad(w[6], w[7]); // ::ffff:a.b.c.d
  if (zeros(0, 4) && w[4] === 0xffff && w[5] === 0) return quad(w[6], w[7]); // ::ffff:0:a.b.c.d
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return quad(w[6], w[7]); // 64:ff9b::a.b.c.d
  if (w[0] === 0x2002) return quad(w[1], w[2]); // 6to4
  return undefined;
}

/**
 * Whether an IP address is on the public internet: not loopback, private, link-local,
 * unique-local, carrier-grade NAT, unspecified, multicast, reserved or documentation — nor an
 * IPv6 form of such an IPv4 address. Anything that is not an IP address is not public.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !IPV4_BLOCKED.check(address, 'ipv4');
  if (family !== 6) return false;
  const words = ipv6Words(address);
  const v4 = embeddedIpv4(words);
  if (v4 !== undefined) return isPublicAddress(v4);
  return !IPV6_BLOCKED.check(address.split('%')[0], 'ipv6');
}

/** `localhost` and its subdomains are the host itself (RFC 6761), whatever a resolver says. */
const LOCAL_NAME = /(^|\.)localhost\.?$/i;

function notPublic(host: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${host} is not a public address`), { code: NOT_PUBLIC });
}

/**
 * A lookup for net.connect that resolves with `resolve` and hands on only public addresses;
 * none left is an error with code NOT_PUBLIC.
 */
export function publicLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const done = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[] = []) =>
      process.nextTick(() => {
        if (error) callback(error, options.all ? [] : '');
        else if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      });
    if (LOCAL_NAME.test(hostname)) return done(notPublic(hostname));
    resolve(hostname, { family: typeof options.family === 'number' ? options.family : undefined, hints: options.hints }).then(
      (all) => {
        const allowed = all.filter((a) => isPublicAddress(a.address));
        done(allowed.length ? null : notPublic(hostname), allowed);
      },
      (error: NodeJS.ErrnoException) => done(error),
    );
  };
}

/** A socket that fails at once with `error`, as a refused connection does. */
function refusedSocket(error: Error): Socket {
  const socket = new Socket();
  process.nextTick(() => socket.destroy(error));
  return socket;
}

/** Makes every connection `agent` opens go to a public address only (see publicLookup). */
function guard(agent: Agent, lookup: LookupFunction): void {
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void) => {
    const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
    if (options.socketPath || (isIP(host) ? !isPublicAddress(host) : LOCAL_NAME.test(host))) return refusedSocket(notPublic(host));
    // Names are resolved when the connection is made, and only public addresses are connected to.
    return connect({ ...options, lookup }, callback);
  };
}

/** Kept-alive agents (as keepAliveAgents) that connect only to public addresses. */
export function publicOnlyAgents(maxSockets: number, resolve?: Resolver): Agents {
  const agents = keepAliveAgents(maxSockets);
  const lookup = publicLookup(resolve);
  guard(agents.http, lookup);
  guard(agents.https, lookup);
  return agents;
}
