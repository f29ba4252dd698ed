import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { invalid } from './errors.js';

// Webhook and CRM login URLs are the tenant's, so Keel must not be made to call its own machine or
// network (DESIGN §3 "Outbound network"). The address is checked when the socket connects, on every
// connection, for the very address connected to: a name that resolved to a public address when the
// URL was saved and to 127.0.0.1 now is refused now. Only the operator's KEEL_ALLOW_PRIVATE_TARGETS=1
// (config.allowPrivateTargets) lifts it, never a tenant's setting.
//
// Callers must not follow redirects (node:http never does; with fetch/undici pass redirect: 'manual'):
// a redirect is a second request to an address nobody checked.

export interface GuardOptions { allowPrivate: boolean }

/** The `code` of the error a refused connection fails with. */
export const ADDRESS_NOT_ALLOWED = 'EADDRNOTALLOWED';

const PRIVATE_V4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4], // 240/4 holds 255.255.255.255
] as const) PRIVATE_V4.addSubnet(net, prefix, 'ipv4');

// Ranges with no IPv4 inside; ::/96, ::ffff:0:0/96, NAT64 and 6to4 are read by their groups below.
const PRIVATE_V6 = new BlockList();
for (const [net, prefix] of [
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64], ['64:ff9b:1::', 48],
] as const) PRIVATE_V6.addSubnet(net, prefix, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 becomes the last two). */
function groupsOf(ip: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const hex = dotted ? ip.slice(0, dotted.index) + [0, 2].map((i) => ((+dotted[i + 1]! << 8) | +dotted[i + 2]!).toString(16)).join(':') : ip;
  const [head, tail] = hex.split('::') as [string, string | undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const [h, t] = [parse(head), parse(tail)];
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const v4Of = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');

/** Whether `ip` (an address, not a name) is one Keel may call on a tenant's behalf. Not an address: false. */
export function isPublicAddress(ip: string): boolean {
  const address = ip.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names an interface, not an address
  const family = isIP(address);
  if (family === 4) return !PRIVATE_V4.check(address, 'ipv4');
  if (family !== 6) return false;
  const g = groupsOf(address.toLowerCase());
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 6)) return false; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (zeros(0, 5) && g[5] === 0xffff) return isPublicAddress(v4Of(g[6]!, g[7]!)); // IPv4-mapped
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return isPublicAddress(v4Of(g[6]!, g[7]!)); // NAT64
  if (g[0] === 0x2002) return isPublicAddress(v4Of(g[1]!, g[2]!)); // 6to4 carries its IPv4 in groups 1-2
  return !PRIVATE_V6.check(address, 'ipv6');
}

const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/**
 * A tenant's URL before it is stored: https (http only with allowPrivate), no user:password, a host,
 * and not an IP literal of a private range. A name is judged when it is called (guardedLookup).
 */
export function checkUrl(url: string, opts: GuardOptions & { field: string }): URL {
  const { field } = opts;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('INVALID_URL', `${field} is not an absolute URL`);
  }
  const allowed = opts.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(parsed.protocol)) throw invalid('INVALID_URL', `${field} must be an ${allowed.map((p) => p.slice(0, -1)).join(' or ')} URL, not ${parsed.protocol.slice(0, -1)}`);
  if (parsed.username || parsed.password) throw invalid('INVALID_URL', `${field} must not carry a user name or password`);
  const host = bare(parsed.hostname);
  if (!host) throw invalid('INVALID_URL', `${field} must name a host`);
  if (!opts.allowPrivate && isIP(host) && !isPublicAddress(host)) throw invalid('INVALID_URL', `${field} points at ${host}, which is not a public address`);
  return parsed;
}

function refusal(address: string, host: string): NodeJS.ErrnoException {
  const named = host === address ? address : `${address} (${host})`;
  return Object.assign(new Error(`refused to connect to ${named}: not a public address (only the server's KEEL_ALLOW_PRIVATE_TARGETS=1 allows it)`), { code: ADDRESS_NOT_ALLOWED });
}

/**
 * A `dns.lookup` for http(s).Agent's or undici's `connect.lookup` option: resolves every address of
 * the name and fails with ADDRESS_NOT_ALLOWED when any is not public (one private answer among
 * public ones is refused too), unless allowPrivate. An IP literal never reaches a lookup (node:net
 * connects to it directly): guardedAgent checks those itself, other clients must use isPublicAddress.
 */
export function guardedLookup(opts: GuardOptions): LookupFunction {
  return (hostname, options, callback) => {
    const asked: LookupOptions = typeof options === 'number' ? { family: options } : { ...options };
    dnsLookup(hostname, { ...asked, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '');
      const refused = opts.allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(refusal(refused.address, hostname), '');
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} resolved to no address`), { code: 'ENOTFOUND' }), '');
      if (asked.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

type ConnectOptions = { host?: string | null; socketPath?: string };

/** What a connection may not reach before any lookup: a private IP literal, a Unix socket. */
function refusedBeforeLookup(options: ConnectOptions, opts: GuardOptions): Error | undefined {
  if (opts.allowPrivate) return undefined;
  if (options.socketPath) return Object.assign(new Error(`refused to connect to the Unix socket ${options.socketPath}`), { code: ADDRESS_NOT_ALLOWED });
  const host = bare(options.host ?? '');
  return isIP(host) && !isPublicAddress(host) ? refusal(host, host) : undefined;
}

class GuardedHttpsAgent extends https.Agent {
  constructor(private readonly guard: GuardOptions, options: https.AgentOptions) { super({ ...options, lookup: guardedLookup(guard) }); }
  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const refused = refusedBeforeLookup(options, this.guard);
    if (!refused) return super.createConnection(options, callback);
    callback?.(refused, undefined as unknown as Duplex); // the request emits 'error'
    return undefined;
  }
}

class GuardedHttpAgent extends http.Agent {
  constructor(private readonly guard: GuardOptions, options: http.AgentOptions) { super({ ...options, lookup: guardedLookup(guard) } as http.AgentOptions); }
  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const refused = refusedBeforeLookup(options, this.guard);
    if (!refused) return super.createConnection(options, callback);
    callback?.(refused, undefined as unknown as Duplex);
    return undefined;
  }
}

/** An https.Agent whose every connection goes through the guard. Do not follow redirects with it. */
export function guardedAgent(opts: GuardOptions, agentOptions: https.AgentOptions = {}): https.Agent {
  return new GuardedHttpsAgent(opts, agentOptions);
}

/** The http one, for `http:` URLs (allowed only with allowPrivate: tests and local demos). */
export function guardedHttpAgent(opts: GuardOptions, agentOptions: http.AgentOptions = {}): http.Agent {
  return new GuardedHttpAgent(opts, agentOptions);
}
