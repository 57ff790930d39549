// A real HTTP server on 127.0.0.1 speaking Zoho Accounts OAuth, CRM v8 and Desk v1 wire formats on one origin.
// Wire facts: /work/shared/ZOHO.md and Zoho's CRM v8 OpenAPI files; anything chosen is marked "chosen" in the
// handler files under ./fake-zoho/.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRefresh, issueCode, mintAccess, revokeEndpoint, revokeRefresh, tokenEndpoint, userInfoEndpoint } from './fake-zoho/accounts.ts';
import { crmRoute } from './fake-zoho/crm.ts';
import { deskRoute } from './fake-zoho/desk.ts';
import { ensureUser, seedCrm, seedDesk } from './fake-zoho/seed.ts';
import type {
  Counts, CrmState, DeskState, Fault, FakeRequest, FakeZohoUser, Reply, State, TokenEndpointConfig,
} from './fake-zoho/types.ts';
import { formParams, JSON_CT, parseBody, sleep } from './fake-zoho/util.ts';

export type { Fault, FakeRequest, FakeZohoUser, TokenEndpointConfig } from './fake-zoho/types.ts';
export { INJECTION_TEXT, SEED_DESK_ORG_ID } from './fake-zoho/seed.ts';

export interface FakeZoho {
  url: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  requests: FakeRequest[];
  requestsTo(path: string | RegExp, method?: string): FakeRequest[];
  addUser(user: FakeZohoUser): FakeZohoUser;
  issueCode(zuid: string, opts?: { scopes?: string[]; codeChallenge?: string; clientId?: string }): string;
  mintTokens(zuid: string, opts?: { scopes?: string[]; clientId?: string }): { accessToken: string; refreshToken: string; expiresIn: number };
  /** Registers a Self Client (API console, "Self Client"): its own id and secret. */
  addSelfClient(): { clientId: string; clientSecret: string };
  expireAccessTokens(): void;
  revokeRefreshToken(token: string): void;
  isRefreshTokenActive(token: string): boolean;
  inject(fault: Fault): void;
  clearFaults(): void;
  tokenEndpoint: TokenEndpointConfig;
  counts: Counts;
  crm: CrmState;
  desk: DeskState;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeZohoOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  /** Access-token lifetime and reported `expires_in`, seconds (default 3600). */
  accessTokenTtl?: number;
}

const pathMatches = (p: string | RegExp | undefined, path: string): boolean =>
  p === undefined || (typeof p === 'string' ? p === path : p.test(path));

export async function startFakeZoho(options: FakeZohoOptions = {}): Promise<FakeZoho> {
  const ttl = options.accessTokenTtl ?? 3600;
  const defaultTokenEndpoint = (): TokenEndpointConfig => ({ mode: 'ok', delayMs: 0, expiresIn: ttl });
  const s: State = {
    url: '',
    clientId: options.clientId ?? 'fake-client-id',
    clientSecret: options.clientSecret ?? 'fake-client-secret',
    redirectUri: options.redirectUri ?? 'http://localhost:8080/auth/zoho/callback',
    users: new Map(),
    selfClients: new Map(),
    crmUserOf: new Map(),
    codes: new Map(),
    refreshTokens: new Map(),
    accessTokens: new Map(),
    tokenEndpoint: defaultTokenEndpoint(),
    counts: { codeExchanges: 0, refreshes: 0, revokes: 0, userInfo: 0 },
    crm: { records: new Map(), org: {}, users: new Map(), tags: new Map(), attachments: new Map() },
    desk: {
      organizations: [], departments: new Map(), agents: new Map(), contacts: new Map(), accounts: new Map(),
      tickets: new Map(), threads: new Map(), comments: new Map(), mailReplyAddresses: new Map(), articles: new Map(), orgOf: new Map(),
    },
    seq: { crm: 0, desk: 0, ticketNumber: 100 },
  };
  const requests: FakeRequest[] = [];
  let faults: Array<Fault & { left: number }> = [];

  const count = (r: FakeRequest): void => {
    if (r.path === '/oauth/v2/token') {
      const grant = formParams(r.query, r.body)['grant_type'];
      if (grant === 'authorization_code') s.counts.codeExchanges++;
      else if (grant === 'refresh_token') s.counts.refreshes++;
    } else if (r.path === '/oauth/v2/token/revoke') s.counts.revokes++;
    else if (r.path === '/oauth/user/info') s.counts.userInfo++;
  };

  const route = async (r: FakeRequest): Promise<Reply> => {
    if (r.path === '/oauth/v2/token') return tokenEndpoint(s, r);
    if (r.path === '/oauth/v2/token/revoke') return revokeEndpoint(s, r);
    if (r.path === '/oauth/user/info') return userInfoEndpoint(s, r);
    if (r.path.startsWith('/crm/')) return crmRoute(s, r);
    if (r.path.startsWith('/api/v1/') || r.path === '/api/v1') return deskRoute(s, r);
    return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
  };

  const takeFault = (r: FakeRequest): Fault | undefined => {
    const i = faults.findIndex((f) => (f.method === undefined || f.method.toUpperCase() === r.method) && pathMatches(f.path, r.path));
    const f = faults[i];
    if (!f) return undefined;
    if (--f.left <= 0) faults.splice(i, 1);
    return f;
  };

  const send = (res: ServerResponse, reply: Reply): void => {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
      body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      headers['content-type'] = typeof reply.body === 'string' ? 'text/plain;charset=UTF-8' : JSON_CT;
    }
    for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
    headers['content-length'] = String(body === undefined ? 0 : Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const r: FakeRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: parseBody(rawBody, headers['content-type']),
      rawBody,
      at: Date.now(),
    };
    requests.push(r);
    res.on('close', () => {
      if (!res.writableEnded) r.closedEarly = true;
    });
    count(r);
    const fault = takeFault(r);
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.applyFirst) await route(r);
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      if (fault.status !== undefined) {
        send(res, { status: fault.status, ...(fault.body !== undefined ? { body: fault.body } : {}), ...(fault.headers ? { headers: fault.headers } : {}) });
        return;
      }
      if (fault.applyFirst) {
        send(res, { status: 200, ...(fault.headers ? { headers: fault.headers } : {}) });
        return;
      }
    }
    send(res, await route(r));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: `fake-zoho internal error: ${String(err)}` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  seedCrm(s);
  seedDesk(s);

  const fake: FakeZoho = {
    url: s.url,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    redirectUri: s.redirectUri,
    requests,
    requestsTo: (path, method) =>
      requests.filter((r) => pathMatches(path, r.path) && (method === undefined || r.method === method.toUpperCase())),
    addUser(user) {
      const u = { ...user };
      s.users.set(u.zuid, u);
      ensureUser(s, u);
      return u;
    },
    issueCode: (zuid, opts) => issueCode(s, zuid, opts),
    mintTokens(zuid, opts = {}) {
      if (!s.users.has(zuid)) throw new Error(`fake-zoho: unknown user ${zuid}; addUser() first`);
      const rt = createRefresh(s, zuid, opts.scopes ?? [], opts.clientId);
      return { accessToken: mintAccess(s, rt), refreshToken: rt.token, expiresIn: s.tokenEndpoint.expiresIn };
    },
    addSelfClient() {
      const client = { clientId: `1000.SELF${randomBytes(8).toString('hex').toUpperCase()}`, clientSecret: randomBytes(20).toString('hex') };
      s.selfClients.set(client.clientId, client.clientSecret);
      return client;
    },
    expireAccessTokens() {
      for (const a of s.accessTokens.values()) a.expiresAt = 0;
    },
    revokeRefreshToken(token) {
      revokeRefresh(s, token);
    },
    isRefreshTokenActive: (token) => s.refreshTokens.get(token)?.active === true,
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    get tokenEndpoint() {
      return s.tokenEndpoint;
    },
    set tokenEndpoint(v: TokenEndpointConfig) {
      s.tokenEndpoint = v;
    },
    counts: s.counts,
    crm: s.crm,
    desk: s.desk,
    reset() {
      requests.length = 0;
      faults = [];
      Object.assign(s.counts, { codeExchanges: 0, refreshes: 0, revokes: 0, userInfo: 0 });
      const te = s.tokenEndpoint; // in place, so references held by tests stay live
      delete te.apiDomain;
      delete te.redirectTo;
      Object.assign(te, defaultTokenEndpoint());
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
  return fake;
}
