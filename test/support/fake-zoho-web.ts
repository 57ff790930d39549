// A fake of Zoho's web UI on 127.0.0.1, three origins like Zoho's three hosts: the accounts host
// (a sign-in form, then a one-time code, then a session cookie and a redirect back), the CRM web UI
// and the Desk web UI (pages that need that cookie, else a redirect to the sign-in). The cookie is
// set for the host 127.0.0.1, so it reaches all three ports, as Zoho's `.zoho.com` cookie reaches
// crm.zoho.com and desk.zoho.com. Test pages under /crm/tests/ misbehave on purpose (off-host
// redirects, foreign subresources, a page that never finishes, a download). Chosen: the cookie name,
// the form field names (LOGIN_ID, PASSWORD, OTP) and the paths; Zoho's real ones are not documented here.
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeZoho } from './fake-zoho.ts';
import * as pages from './fake-zoho-web/pages.ts';

export const SESSION_COOKIE = 'ZFAKE_SESSION';

export interface FakeWebUser {
  email: string;
  password: string;
  /** The code the user's authenticator shows (fixed, for the test to type). */
  otp: string;
}

export interface WebHit {
  site: 'accounts' | 'crm' | 'desk';
  method: string;
  path: string;
  /** The signed-in user the request's cookie belonged to, if any. */
  user?: string;
  at: number;
}

export interface FakeZohoWeb {
  accountsUrl: string;
  crmUrl: string;
  deskUrl: string;
  hits: WebHit[];
  hitsTo(site: WebHit['site'], path: string | RegExp): WebHit[];
  /** Requests to /crm/tests/never-loads: when each began and when the browser went away. */
  hanging: Array<{ openedAt: number; closedAt?: number }>;
  addUser(user: FakeWebUser): void;
  /** A session as the sign-in would leave it, as a Playwright storage state (for imports). */
  storageStateFor(email: string, options?: { ttlSeconds?: number }): { cookies: any[]; origins: any[] };
  /** Ends sessions on the server side (all, or one user's): their cookies then lead to the sign-in. */
  expireSessions(email?: string): void;
  close(): Promise<void>;
}

export interface FakeZohoWebOptions {
  /** Supplies CRM records and Desk tickets, and receives the accounts host's /oauth/* requests. */
  zoho?: FakeZoho;
  /** Where the misbehaving test pages try to go. */
  foreignUrl?: string;
  /** A UDP port the WebRTC test page points its STUN server at. */
  stunPort?: number;
  crmOrgId?: string;
}

export async function startFakeZohoWeb(options: FakeZohoWebOptions = {}): Promise<FakeZohoWeb> {
  const users = new Map<string, FakeWebUser>();
  const sessions = new Map<string, { email: string; expiresAt: number }>();
  const pending = new Map<string, { email: string; serviceUrl: string }>();
  const hits: WebHit[] = [];
  const hanging: FakeZohoWeb['hanging'] = [];
  const foreign = options.foreignUrl ?? 'http://127.0.0.1:9';
  const orgId = options.crmOrgId ?? '9001';
  const urls = { accounts: '', crm: '', desk: '' };

  const newSession = (email: string, ttlSeconds = 3600) => {
    const value = randomBytes(18).toString('base64url');
    sessions.set(value, { email, expiresAt: Date.now() + ttlSeconds * 1000 });
    return { value, expires: Math.floor(Date.now() / 1000) + ttlSeconds };
  };
  const userOf = (req: IncomingMessage): string | undefined => {
    const value = /(?:^|;\s*)ZFAKE_SESSION=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const session = value ? sessions.get(value) : undefined;
    return session && session.expiresAt > Date.now() ? session.email : undefined;
  };
  const html = (res: ServerResponse, body: string, status = 200) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const redirect = (res: ServerResponse, location: string, headers: Record<string, string> = {}) => {
    res.writeHead(302, { location, 'content-length': '0', ...headers });
    res.end();
  };
  const toSignIn = (res: ServerResponse, here: string) =>
    redirect(res, `${urls.accounts}/signin?${new URLSearchParams({ servicename: 'ZohoCRM', serviceurl: here })}`);
  const safeService = (url: string) => (url.startsWith(`${urls.crm}/`) || url.startsWith(`${urls.desk}/`) ? url : `${urls.crm}/crm/`);

  async function accounts(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname.startsWith('/oauth/') && options.zoho) return forward(req, res, options.zoho.url);
    if (req.method === 'GET' && url.pathname === '/signin') return html(res, pages.signInPage(safeService(url.searchParams.get('serviceurl') ?? '')));
    if (req.method === 'POST' && url.pathname === '/signin') {
      const form = new URLSearchParams(await body(req));
      const user = users.get(form.get('LOGIN_ID') ?? '');
      const serviceUrl = safeService(form.get('serviceurl') ?? '');
      if (!user || user.password !== form.get('PASSWORD')) return html(res, pages.signInPage(serviceUrl, 'Incorrect email or password.'), 401);
      const tx = randomBytes(12).toString('base64url');
      pending.set(tx, { email: user.email, serviceUrl });
      return html(res, pages.otpPage(tx));
    }
    if (req.method === 'POST' && url.pathname === '/signin/otp') {
      const form = new URLSearchParams(await body(req));
      const tx = form.get('tx') ?? '';
      const step = pending.get(tx);
      if (!step) return html(res, pages.signInPage(`${urls.crm}/crm/`, 'Start again.'), 400);
      if (users.get(step.email)?.otp !== form.get('OTP')) return html(res, pages.otpPage(tx, 'Incorrect code.'), 401);
      pending.delete(tx);
      const session = newSession(step.email);
      return redirect(res, step.serviceUrl, { 'set-cookie': `${SESSION_COOKIE}=${session.value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600` });
    }
    html(res, '<!doctype html><title>Not found</title>', 404);
  }

  function crm(req: IncomingMessage, res: ServerResponse, url: URL, user: string | undefined): void {
    const here = `${urls.crm}${url.pathname}${url.search}`;
    if (url.pathname === '/crm/tests/sign-in-form') return html(res, pages.appSignInFormPage());
    if (!user) return toSignIn(res, here);
    if (url.pathname === '/crm/' || url.pathname === '/crm') return redirect(res, `/crm/org${orgId}/tab/Home/begin`);
    if (url.pathname === `/crm/org${orgId}/tab/Home/begin`) return html(res, pages.crmHomePage(user));
    const record = /^\/crm\/org(\d+)\/tab\/([A-Za-z_]+)\/(\d+)$/.exec(url.pathname);
    if (record) {
      const found = record[1] === orgId ? options.zoho?.crm.records.get(record[2]!)?.get(record[3]!) : undefined;
      return found ? html(res, pages.recordPage(user, record[2]!, found)) : html(res, pages.notFoundPage(user, 'CRM'), 404);
    }
    switch (url.pathname) {
      case '/crm/tests/redirect-off-host':
        return redirect(res, `${foreign}/landing`);
      case '/crm/tests/redirect-chain':
        return redirect(res, '/crm/tests/redirect-off-host');
      case '/crm/tests/foreign-subresource':
        return html(res, pages.foreignSubresourcePage(user, foreign));
      case '/crm/tests/foreign-calls.js':
        res.writeHead(200, { 'content-type': 'text/javascript' });
        return void res.end(pages.foreignCallsScript(foreign, options.stunPort ?? 9));
      case '/crm/tests/script-escape':
        return html(res, pages.scriptEscapePage(user, `${foreign}/by-script`));
      case '/crm/tests/file-escape':
        return html(res, pages.scriptEscapePage(user, 'file:///etc/passwd'));
      case '/crm/tests/download':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="leads.csv"' });
        return void res.end('a,b\n1,2\n');
      case '/crm/tests/never-loads': {
        const entry: { openedAt: number; closedAt?: number } = { openedAt: Date.now() };
        hanging.push(entry);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.write('<!doctype html><title>Loading - Zoho CRM</title><p>Loading');
        res.on('close', () => (entry.closedAt = Date.now()));
        return; // never ends
      }
      default:
        return html(res, pages.notFoundPage(user, 'CRM'), 404);
    }
  }

  function desk(res: ServerResponse, url: URL, user: string | undefined): void {
    if (!user) return toSignIn(res, `${urls.desk}${url.pathname}${url.search}`);
    if (url.pathname === '/agent/' || url.pathname === '/agent') return html(res, pages.deskHomePage(user));
    const ticket = /^\/agent\/[\w-]+\/[\w-]+\/tickets\/details\/(\d+)$/.exec(url.pathname);
    const found = ticket ? options.zoho?.desk.tickets.get(ticket[1]!) : undefined;
    return found ? html(res, pages.ticketPage(user, found)) : html(res, pages.notFoundPage(user, 'Desk'), 404);
  }

  const listen = (site: WebHit['site']) => serve(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const user = userOf(req);
    hits.push({ site, method: req.method ?? 'GET', path: url.pathname, ...(user ? { user } : {}), at: Date.now() });
    if (site === 'accounts') return accounts(req, res, url);
    if (site === 'crm') return crm(req, res, url, user);
    return desk(res, url, user);
  });

  const servers = await Promise.all([listen('accounts'), listen('crm'), listen('desk')]);
  [urls.accounts, urls.crm, urls.desk] = servers.map((s) => s.url) as [string, string, string];

  return {
    accountsUrl: urls.accounts,
    crmUrl: urls.crm,
    deskUrl: urls.desk,
    hits,
    hitsTo: (site, path) => hits.filter((h) => h.site === site && (typeof path === 'string' ? h.path === path : path.test(h.path))),
    hanging,
    addUser: (user) => void users.set(user.email, user),
    storageStateFor(email, opts = {}) {
      const session = newSession(email, opts.ttlSeconds);
      return {
        cookies: [{ name: SESSION_COOKIE, value: session.value, domain: '127.0.0.1', path: '/', expires: session.expires, httpOnly: true, secure: false, sameSite: 'Lax' }],
        origins: [],
      };
    },
    expireSessions(email) {
      for (const [value, session] of sessions) if (!email || session.email === email) sessions.delete(value);
    },
    close: async () => void (await Promise.all(servers.map((s) => s.close()))),
  };
}

function serve(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  })));
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The accounts host also answers OAuth: its /oauth/* requests go to the fake Zoho API server, as they are. */
function forward(req: IncomingMessage, res: ServerResponse, target: string): void {
  const url = new URL(req.url ?? '/', target);
  const upstream = httpRequest(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}
