// What the chat page's browser tests share: the real runtime (fresh database) behind a TCP proxy
// that can cut connections, the fake Zoho and fake OpenRouter, one headless Chromium (Debian's,
// driven by playwright-core) whose Zoho consent screen is played by the test, and axe-core.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testDatabases } from './databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from './fake-openrouter.ts';
import { startFakeZoho, type FakeZoho } from './fake-zoho.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { startTestRuntime, type TestRuntime } from './test-runtime.ts';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface PageRig {
  zoho: FakeZoho;
  llm: FakeOpenRouter;
  t: TestRuntime;
  proxy: TcpProxy;
  /** The page's origin: the proxy in front of the runtime. */
  base: string;
  browser: Browser;
  context: BrowserContext;
  /** The Zoho user the fake consent screen signs in next (`ZUID` by default). */
  consentAs: { zuid: string };
  /** Screenshots `<name>-desktop.png` and `<name>-phone.png` of `page` into the artifacts folder. */
  shots(page: Page, name: string): Promise<void>;
  shot(page: Page, name: string): Promise<void>;
  /** axe-core's serious and critical violations on the page as it is, as `id: targets` lines. */
  axe(page: Page): Promise<string[]>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startPageRig(options: { chromium: string; artifacts: URL; users: Array<{ zuid: string; email: string }> }): Promise<PageRig> {
  mkdirSync(options.artifacts, { recursive: true });
  // The proxy comes first (it connects on demand): Zoho sends the browser back to the registered redirect URI.
  const runtimePort = await freePort();
  const proxy = await startTcpProxy({ port: runtimePort });
  const base = `http://127.0.0.1:${proxy.port}`;
  const zoho = await startFakeZoho({ redirectUri: `${base}/auth/zoho/callback` });
  for (const u of options.users) zoho.addUser({ zuid: u.zuid, email: u.email, orgId: '9001', deskOrgIds: ['555'] });
  const llm = await startFakeOpenRouter();
  const db = testDatabases()[0]!.create();
  const t = await startTestRuntime({ fake: zoho, database: db.options, env: { OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL } });
  const server = serve({ fetch: t.runtime.app.fetch, port: runtimePort, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: options.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: DESKTOP });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const consentAs = { zuid: options.users[0]!.zuid };
  // Zoho's consent screen, played by the test: it issues a code bound to the PKCE challenge and
  // links back to the redirect URI with code, state, location and accounts-server, as Zoho does.
  await context.route((url) => url.href.startsWith(`${zoho.url}/oauth/v2/auth?`), async (route) => {
    const q = new URL(route.request().url()).searchParams;
    const code = zoho.issueCode(consentAs.zuid, { codeChallenge: q.get('code_challenge') ?? undefined });
    const back = new URL(q.get('redirect_uri')!);
    back.search = new URLSearchParams({ code, state: q.get('state')!, location: 'us', 'accounts-server': zoho.url }).toString();
    await route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: `<!doctype html><meta name="viewport" content="width=device-width"><title>Zoho Accounts (fake)</title>
<body style="font-family:sans-serif;padding:1rem;overflow-wrap:anywhere"><h1>Allow access?</h1><p>${escapeHtml(q.get('client_id') ?? '')} asks for
${escapeHtml(q.get('scope') ?? '')}</p><p><a id="accept" href="${escapeHtml(back.href)}">Accept</a></p></body>`,
    });
  });

  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: new URL(`${name}.png`, options.artifacts).pathname });
  };
  return {
    zoho, llm, t, proxy, base, browser, context, consentAs, shot,
    async shots(page, name) {
      const before = page.viewportSize() ?? DESKTOP;
      await page.setViewportSize(DESKTOP);
      await settle(page);
      await shot(page, `${name}-desktop`);
      await page.setViewportSize(PHONE);
      await settle(page);
      await shot(page, `${name}-phone`);
      await page.setViewportSize(before);
      await settle(page);
    },
    async axe(page) {
      // Evaluated through the DevTools protocol, which the page's CSP does not govern (an injected <script> it would refuse).
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => (await (window as any).axe.run(document, { resultTypes: ['violations'] })).violations);
      return violations
        .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
        .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
    },
    async close() {
      await browser.close();
      await proxy.close();
      await new Promise<void>((resolve) => {
        (server as any).closeAllConnections?.();
        server.close(() => resolve());
      });
      await t.close();
      await db.drop();
      await llm.close();
      await zoho.close();
    },
  };
}

/** Two animation frames: the page has laid itself out for a new size. */
const settle = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
