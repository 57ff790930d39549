// The egress proxy alone, with a plain HTTP client in front of it: no Chromium needed.
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowsUrl, egressPolicyFor, type EgressPolicy } from '../../src/browser/egress-policy.ts';
import { startEgressProxy, type EgressProxy } from '../../src/browser/egress-proxy.ts';
import { isPublicAddress } from '../../src/browser/private-address.ts';
import { startForeignHost, type Recorder } from './rig.ts';

interface Seen { path: string; headers: IncomingHttpHeaders }

async function startZohoLike(foreign: () => string) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `${foreign()}/landing` });
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'x-from': 'zoho' });
    res.end(`hello ${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A request through the proxy in absolute form, as a browser sends plain-HTTP requests to its proxy. */
function viaProxy(proxy: EgressProxy, target: string, headers: Record<string, string> = {}) {
  const p = new URL(proxy.url);
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request({ host: p.hostname, port: p.port, path: target, headers: { host: new URL(target).host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `CONNECT host:port`, as a browser opens an HTTPS or WebSocket tunnel: the proxy's status line. */
function tunnel(proxy: EgressProxy, authority: string): Promise<{ status: number; socket: ReturnType<typeof connect> }> {
  const p = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(p.port), p.hostname, () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`));
    socket.once('data', (chunk) => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString())?.[1] ?? 0), socket }));
    socket.on('error', reject);
  });
}

describe('the egress proxy', () => {
  let zoho: Awaited<ReturnType<typeof startZohoLike>>;
  let foreign: Recorder;
  let proxy: EgressProxy;
  const refusals: string[] = [];

  beforeAll(async () => {
    foreign = await startForeignHost();
    zoho = await startZohoLike(() => foreign.url);
    const policy: EgressPolicy = { origins: new Set([zoho.url]), trustedHosts: new Set(['127.0.0.1']) };
    proxy = await startEgressProxy({ policy, onRefused: (target, reason) => refusals.push(`${target} ${reason}`) });
  });
  afterAll(async () => {
    await proxy?.close();
    await zoho?.close();
    await foreign?.close();
  });

  it('forwards a request to an allowed origin and passes the answer back', async () => {
    const res = await viaProxy(proxy, `${zoho.url}/crm/tab/Leads/1?x=1`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello GET /crm/tab/Leads/1?x=1');
    expect(res.headers['x-from']).toBe('zoho');
  });

  it('drops hop-by-hop and proxy headers and keeps the cookie for the allowed host', async () => {
    await viaProxy(proxy, `${zoho.url}/headers`, { 'proxy-authorization': 'Basic eDp5', 'proxy-connection': 'keep-alive', cookie: 'a=b' });
    const seen = zoho.seen.find((s) => s.path === '/headers')!;
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers['proxy-connection']).toBeUndefined();
    expect(seen.headers.cookie).toBe('a=b');
    expect(seen.headers.host).toBe(new URL(zoho.url).host);
  });

  it('refuses any other origin with a bare 403, and the other host hears nothing', async () => {
    for (const target of [`${foreign.url}/x`, `http://localhost:${new URL(zoho.url).port}/x`, `http://user:pw@${new URL(zoho.url).host}/x`]) {
      const res = await viaProxy(proxy, target);
      expect(res.status, target).toBe(403);
      expect(res.body).toBe('');
    }
    expect(foreign.hits).toEqual([]);
    expect(refusals.some((r) => r.startsWith(foreign.url))).toBe(true);
  });

  it('passes a redirect back without following it, so the browser\'s next hop is checked again', async () => {
    const res = await viaProxy(proxy, `${zoho.url}/redirect`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${foreign.url}/landing`);
    expect(foreign.hits).toEqual([]);
  });

  it('opens a CONNECT tunnel only to an allowed host', async () => {
    const allowed = await tunnel(proxy, new URL(zoho.url).host);
    expect(allowed.status).toBe(200);
    allowed.socket.write(`GET /through-tunnel HTTP/1.1\r\nHost: ${new URL(zoho.url).host}\r\nConnection: close\r\n\r\n`);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      allowed.socket.on('data', (c) => (text += c));
      allowed.socket.on('close', () => resolve(text));
    });
    expect(answer).toContain('hello GET /through-tunnel');

    const refused = await tunnel(proxy, new URL(foreign.url).host);
    expect(refused.status).toBe(403);
    refused.socket.destroy();
    expect(foreign.hits).toEqual([]);
  });

  it('answers a request that is not in absolute form with 400', async () => {
    const p = new URL(proxy.url);
    const status = await new Promise<number>((resolve) => request({ host: p.hostname, port: p.port, path: '/x' }, (res) => resolve(res.statusCode ?? 0)).end());
    expect(status).toBe(400);
  });

  it('refuses a Zoho host name that resolves to a private or loopback address', async () => {
    const policy = egressPolicyFor('com', {}, 'browse');
    for (const addresses of [['10.1.2.3'], ['127.0.0.1'], ['169.254.169.254'], ['::1'], ['93.184.216.34', '192.168.1.4']]) {
      const lookedUp: string[] = [];
      const strict = await startEgressProxy({ policy, lookup: async (host) => (lookedUp.push(host), addresses) });
      const res = await tunnel(strict, 'crm.zoho.com:443');
      expect(res.status, addresses.join(',')).toBe(403);
      expect(lookedUp).toEqual(['crm.zoho.com']);
      res.socket.destroy();
      await strict.close();
    }
  });

  it('never looks up a host the policy does not allow', async () => {
    const lookedUp: string[] = [];
    const strict = await startEgressProxy({ policy: egressPolicyFor('eu', {}, 'browse'), lookup: async (host) => (lookedUp.push(host), ['93.184.216.34']) });
    for (const authority of ['crm.zoho.com:443', 'evil.example:443', 'crm.zoho.eu:8443', 'crm.zoho.eu.evil.example:443']) {
      const res = await tunnel(strict, authority);
      expect(res.status, authority).toBe(403);
      res.socket.destroy();
    }
    expect(lookedUp).toEqual([]);
    await strict.close();
  });
});

describe('the egress policy', () => {
  it('allows the DC\'s CRM, Desk and accounts hosts and Zoho\'s static hosts over https only', () => {
    const policy = egressPolicyFor('eu', {}, 'browse');
    for (const url of ['https://crm.zoho.eu/crm/', 'https://desk.zoho.eu/agent/', 'https://accounts.zoho.eu/signin', 'https://static.zohocdn.com/a.js', 'wss://crm.zoho.eu/ws']) {
      expect(allowsUrl(policy, new URL(url)), url).toBe(true);
    }
    for (const url of ['http://crm.zoho.eu/', 'https://crm.zoho.com/', 'https://crm.zoho.eu:8443/', 'https://evil.example/', 'file:///etc/passwd',
      'ftp://crm.zoho.eu/', 'https://x@crm.zoho.eu/', 'https://accounts.google.com/']) {
      expect(allowsUrl(policy, new URL(url)), url).toBe(false);
    }
  });

  it('lets a login handover reach the identity providers Zoho offers, and a tool call not', () => {
    expect(allowsUrl(egressPolicyFor('com', {}, 'sign_in'), new URL('https://accounts.google.com/o/oauth2'))).toBe(true);
    expect(allowsUrl(egressPolicyFor('com', {}, 'browse'), new URL('https://accounts.google.com/o/oauth2'))).toBe(false);
  });

  it('uses the Canadian zohocloud.ca hosts and the overrides when set', () => {
    expect(allowsUrl(egressPolicyFor('ca', {}, 'browse'), new URL('https://crm.zohocloud.ca/crm/'))).toBe(true);
    const overridden = egressPolicyFor('com', { crmWebUrl: 'http://127.0.0.1:5001/', deskWebUrl: 'http://127.0.0.1:5002' }, 'browse');
    expect(allowsUrl(overridden, new URL('http://127.0.0.1:5001/crm/'))).toBe(true);
    expect(allowsUrl(overridden, new URL('https://crm.zoho.com/crm/'))).toBe(false);
    expect([...overridden.trustedHosts]).toEqual(['127.0.0.1']);
  });

  it.each([
    ['8.8.8.8', true], ['93.184.216.34', true], ['2606:4700::1111', true],
    ['127.0.0.1', false], ['10.0.0.1', false], ['172.16.5.4', false], ['192.168.0.1', false], ['169.254.169.254', false],
    ['100.64.0.1', false], ['0.0.0.0', false], ['224.0.0.1', false], ['::1', false], ['::', false], ['fe80::1', false],
    ['fd00::1', false], ['::ffff:127.0.0.1', false], ['::7f00:1', false], ['not-an-ip', false],
  ])('classifies %s as public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
