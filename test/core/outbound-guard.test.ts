import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DomainError } from '../../src/core/errors.js';
import { ADDRESS_NOT_ALLOWED, checkUrl, guardedAgent, guardedHttpAgent, guardedLookup, isPublicAddress } from '../../src/core/outbound-guard.js';

const PUBLIC = [
  '1.1.1.1', '8.8.8.8', '93.184.215.14', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.1',
  '192.169.0.1', '198.17.255.255', '198.20.0.0', '223.255.255.255', '11.0.0.0', '169.253.255.255',
  '2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '::ffff:808:808',
  '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:db9::1', 'fbff::1',
];

const REFUSED: [string, string][] = [
  ['0.0.0.0', 'this network'], ['0.1.2.3', 'this network'], ['10.0.0.1', 'private'], ['10.255.255.255', 'private'],
  ['100.64.0.1', 'CGNAT'], ['100.127.255.255', 'CGNAT'], ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'cloud metadata'], ['169.254.0.1', 'link-local'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'],
  ['192.0.0.8', 'IETF protocol'], ['192.0.2.1', 'TEST-NET-1'], ['192.168.1.1', 'private'], ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'], ['198.51.100.7', 'TEST-NET-2'], ['203.0.113.9', 'TEST-NET-3'], ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'], ['240.0.0.1', 'reserved'], ['255.255.255.255', 'broadcast'],
  ['::', 'unspecified'], ['::1', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback, long form'], ['::127.0.0.1', 'IPv4-compatible'],
  ['fc00::1', 'ULA'], ['fd12:3456:789a::1', 'ULA'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local with zone'],
  ['febf:ffff::1', 'link-local'], ['fec0::1', 'site-local'], ['ff02::1', 'multicast'], ['FF05::2', 'multicast, upper case'],
  ['2001:db8::1', 'documentation'], ['2001:0db8:ffff::1', 'documentation'], ['100::1', 'discard'],
  ['::ffff:127.0.0.1', 'mapped loopback'], ['::ffff:7f00:1', 'mapped loopback, hex'], ['::ffff:10.0.0.1', 'mapped private'],
  ['::ffff:a9fe:a9fe', 'mapped metadata, hex'], ['0:0:0:0:0:ffff:c0a8:101', 'mapped private, long form'],
  ['64:ff9b::127.0.0.1', 'NAT64 of loopback'], ['64:ff9b::a9fe:a9fe', 'NAT64 of metadata'], ['64:ff9b:1::1', 'local NAT64'],
  ['2002:7f00:1::1', '6to4 of loopback'], ['2002:c0a8:101::', '6to4 of private'],
];

describe('isPublicAddress', () => {
  it.each(PUBLIC)('%s is public', (ip) => expect(isPublicAddress(ip)).toBe(true));
  it.each(REFUSED)('%s is refused (%s)', (ip) => expect(isPublicAddress(ip)).toBe(false));
  it.each(['', 'localhost', 'example.com', '127.1', '0x7f000001', '1.2.3.4.5', '[::1]'])('%j is no address: not public', (s) => expect(isPublicAddress(s)).toBe(false));
});

describe('checkUrl', () => {
  const field = 'webhook.url';
  const refused = (url: string, allowPrivate = false) => {
    try { checkUrl(url, { allowPrivate, field }); } catch (e) { return e instanceof DomainError ? [e.kind, e.code, e.message] : e; }
    return 'accepted';
  };

  it('accepts an https URL with a host, and gives it back parsed', () => {
    const url = checkUrl('https://hooks.example.com:8443/keel?x=1', { allowPrivate: false, field });
    expect([url.hostname, url.port, url.pathname, url.search]).toEqual(['hooks.example.com', '8443', '/keel', '?x=1']);
    expect(refused('https://[2606:4700:4700::1111]/')).toBe('accepted');
    expect(refused('https://localhost/')).toBe('accepted'); // a name is judged when called (guardedLookup)
  });

  it.each([
    ['not a url', 'webhook.url is not an absolute URL'],
    ['/relative/path', 'webhook.url is not an absolute URL'],
    ['http://hooks.example.com/', 'webhook.url must be an https URL, not http'],
    ['ftp://hooks.example.com/', 'webhook.url must be an https URL, not ftp'],
    ['file:///etc/passwd', 'webhook.url must be an https URL, not file'],
    ['https://user:pass@hooks.example.com/', 'webhook.url must not carry a user name or password'],
    ['https://token@hooks.example.com/', 'webhook.url must not carry a user name or password'],
    ['https://127.0.0.1/', 'webhook.url points at 127.0.0.1, which is not a public address'],
    ['https://127.1/', 'webhook.url points at 127.0.0.1, which is not a public address'],
    ['https://0x7f000001/', 'webhook.url points at 127.0.0.1, which is not a public address'],
    ['https://169.254.169.254/latest/meta-data', 'webhook.url points at 169.254.169.254, which is not a public address'],
    ['https://[::1]/', 'webhook.url points at ::1, which is not a public address'],
    ['https://[::ffff:127.0.0.1]/', 'webhook.url points at ::ffff:7f00:1, which is not a public address'],
  ])('%s: %s', (url, message) => expect(refused(url)).toEqual(['validation', 'INVALID_URL', message]));

  it('allowPrivate admits http and private literals, still not credentials or other schemes', () => {
    expect(refused('http://127.0.0.1:8080/hook', true)).toBe('accepted');
    expect(refused('https://[::1]/', true)).toBe('accepted');
    expect(refused('ftp://127.0.0.1/', true)).toEqual(['validation', 'INVALID_URL', 'webhook.url must be an https or http URL, not ftp']);
    expect(refused('http://a:b@127.0.0.1/', true)).toEqual(['validation', 'INVALID_URL', 'webhook.url must not carry a user name or password']);
  });

  it('KEEL_ALLOW_PRIVATE_TARGETS=1 is the only switch', () => {
    expect(loadConfig({}).allowPrivateTargets).toBe(false);
    expect(loadConfig({ KEEL_ALLOW_PRIVATE_TARGETS: 'true' }).allowPrivateTargets).toBe(false);
    expect(loadConfig({ KEEL_ALLOW_PRIVATE_TARGETS: '1' }).allowPrivateTargets).toBe(true);
  });
});

type Lookup = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[] };
const lookupWith = (allowPrivate: boolean, host: string, all: boolean) => new Promise<Lookup>((resolve) =>
  guardedLookup({ allowPrivate })(host, { all }, (err, address) => resolve({ err, address })));

describe('guardedLookup', () => {
  it('localhost is refused, naming the address and the name', async () => {
    for (const all of [true, false]) {
      const { err } = await lookupWith(false, 'localhost', all);
      expect(err?.code).toBe(ADDRESS_NOT_ALLOWED);
      expect(err?.message).toMatch(/^refused to connect to (127\.0\.0\.1|::1) \(localhost\): not a public address/);
    }
  });

  it('allowPrivate resolves localhost, in both callback shapes', async () => {
    const one = await lookupWith(true, 'localhost', false);
    expect([one.err, isPublicAddress(one.address as string)]).toEqual([null, false]);
    const all = await lookupWith(true, 'localhost', true);
    expect((all.address as LookupAddress[]).map((a) => a.address)).toContain(one.address);
  });

  it('a public address passes (literal: no network needed)', async () => {
    expect(await lookupWith(false, '1.1.1.1', true)).toEqual({ err: null, address: [{ address: '1.1.1.1', family: 4 }] });
    expect(await lookupWith(false, '1.1.1.1', false)).toEqual({ err: null, address: '1.1.1.1' });
  });
});

describe('guarded agents, at connect time', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (url: string | http.RequestOptions, agent: http.Agent) => new Promise<{ status?: number; body?: string; code?: string; message?: string }>((resolve) => {
    const req = typeof url === 'string' ? http.get(url, { agent }) : http.get({ ...url, agent });
    req.on('response', (res) => { let body = ''; res.on('data', (c) => { body += c; }); res.on('end', () => resolve({ status: res.statusCode, body })); });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ code: e.code, message: e.message }));
  });

  it('a private IP literal is refused before any socket is opened', async () => {
    const agent = guardedHttpAgent({ allowPrivate: false });
    expect(await get(`http://127.0.0.1:${port}/`, agent)).toEqual({ code: ADDRESS_NOT_ALLOWED, message: 'refused to connect to 127.0.0.1: not a public address (only the server\'s KEEL_ALLOW_PRIVATE_TARGETS=1 allows it)' });
    expect((await get(`http://[::ffff:127.0.0.1]:${port}/`, agent)).code).toBe(ADDRESS_NOT_ALLOWED);
  });

  it('a name resolving to a private address is refused at connect time', async () => {
    const r = await get(`http://localhost:${port}/`, guardedHttpAgent({ allowPrivate: false }));
    expect(r.code).toBe(ADDRESS_NOT_ALLOWED);
    expect(r.message).toContain('(localhost): not a public address');
  });

  it('a Unix socket is refused', async () => {
    expect((await get({ socketPath: '/var/run/docker.sock', path: '/' }, guardedHttpAgent({ allowPrivate: false }))).code).toBe(ADDRESS_NOT_ALLOWED);
  });

  it('allowPrivate connects, by literal and by name', async () => {
    const agent = guardedHttpAgent({ allowPrivate: true });
    expect(await get(`http://127.0.0.1:${port}/`, agent)).toEqual({ status: 200, body: 'reached' });
    expect(await get(`http://localhost:${port}/`, agent)).toEqual({ status: 200, body: 'reached' });
  });

  it('the https agent refuses the same way (no TLS server needed: nothing connects)', async () => {
    const agent = guardedAgent({ allowPrivate: false });
    const refusedCode = (url: string) => new Promise<string | undefined>((resolve, reject) => {
      https.get(url, { agent }, () => reject(new Error('answered'))).on('error', (e: NodeJS.ErrnoException) => resolve(e.code));
    });
    for (const url of ['https://127.0.0.1/', 'https://[::1]/', 'https://localhost/', 'https://169.254.169.254/']) expect(await refusedCode(url)).toBe(ADDRESS_NOT_ALLOWED);
  });
});
