// The "done when", in two real browsers: in the chat page a user asks for a lead's page;
// the browser tool needs a Zoho web session, so the page offers a sign-in; the user signs in to
// (fake) Zoho through the live view, typing email, password and one-time code into the server's
// headless browser; asks again, and sees the screenshot inline and the model's description of it,
// the model having received the image. What the user typed is in no log, event, row or model request.
// Screenshots of each step go to test/artifacts/chat-sign-in/ (ignored by git).
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../src/browser/chromium.ts';
import { otpPage, signInPage } from '../support/fake-zoho-web/pages.ts';
import { serveApp } from '../support/serve.ts';
import { ADA, CHROMIUM, chromiumOrSkip, startBrowserRig, TOOL, type BrowserRig } from './rig.ts';

const ARTIFACTS = new URL('../artifacts/chat-sign-in/', import.meta.url);

(chromiumOrSkip('chat-sign-in e2e') ? describe : describe.skip)('signing in to Zoho from the chat, and seeing a Zoho page', () => {
  let rig: BrowserRig;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let page: Page;
  let view: Page;
  const streams: string[] = [];
  const shot = (name: string, target: Page = page) => target.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname });
  const answer = () => page.locator('.msg-assistant').last();

  /** Where a field of the fake sign-in sits on a 1280x800 page: what the user sees in the live view. */
  async function fieldCentre(html: string, selector: string): Promise<{ x: number; y: number }> {
    const probe = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await probe.setContent(html);
    const box = (await probe.locator(selector).boundingBox())!;
    await probe.close();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  /** Clicks the live view's picture where that point of the headless page is shown. */
  async function clickInView(point: { x: number; y: number }): Promise<void> {
    const img = (await view.locator('#screen').boundingBox())!;
    await view.mouse.click(img.x + (point.x * img.width) / 1280, img.y + (point.y * img.height) / 800);
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    rig = await startBrowserRig();
    await rig.connect(ADA);
    server = await serveApp(rig.t.runtime.app);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM.ok ? CHROMIUM.path : '', headless: true, args: CHROMIUM_ARGS.filter((a) => !a.includes('webrtc')) });
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    context.on('response', (response) => {
      if (/\/api\/chat|\/events$/.test(response.url())) void response.text().then((text) => streams.push(text), () => {});
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rig?.close();
  });

  it('signs in to the chat and asks for the lead\'s page: the tool asks for a Zoho web sign-in', async () => {
    await page.goto(`${server.url}/`);
    await page.fill('#signin-user', ADA.user);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#user-chip', { hasText: ADA.user }).waitFor();

    rig.llm.script(
      { toolCalls: [{ id: 'call_page_1', name: TOOL, arguments: { app: 'crm', path: `/crm/tab/Leads/${rig.leadId}` } }] },
      { text: ['You need to sign in to Zoho in the browser first.'] },
    );
    await page.fill('#prompt', "Show me the lead Ada Lovelace's page");
    await page.keyboard.press('Enter');
    await answer().locator('.tool[data-tool="browser_navigate_and_screenshot"] .tool-outcome', { hasText: 'Failed' }).waitFor();
    await answer().locator('.browser-login button', { hasText: 'Sign in to Zoho' }).waitFor();
    await answer().locator('.md', { hasText: 'sign in to Zoho' }).waitFor();
    await shot('01-sign-in-asked');
  });

  it('signs in through the live view: email, password and one-time code typed into the server\'s browser', async () => {
    const opened = page.waitForEvent('popup');
    await answer().locator('.browser-login button', { hasText: 'Sign in to Zoho' }).click();
    view = await opened;
    await view.waitForURL(/\/browser-login\/[A-Za-z0-9_-]+$/);
    expect(view.url()).not.toContain('#');
    await view.locator('#screen[src^="data:image/jpeg;base64,"]').waitFor();
    await view.locator('#status', { hasText: 'Waiting' }).waitFor();
    await shot('02-live-view', view);

    await clickInView(await fieldCentre(signInPage(''), '#login_id'));
    await view.keyboard.type(ADA.email);
    await clickInView(await fieldCentre(signInPage(''), '#password'));
    await view.keyboard.type(ADA.password);
    await view.keyboard.press('Enter');
    await expect.poll(() => rig.web.hits.filter((h) => h.site === 'accounts' && h.method === 'POST' && h.path === '/signin').length, { timeout: 10_000 }).toBe(1);

    await view.waitForTimeout(300);
    await clickInView(await fieldCentre(otpPage('x'), '#otp'));
    await view.keyboard.type(ADA.otp);
    await shot('03-code-typed', view);
    await view.keyboard.press('Enter');

    await view.locator('#outcome-text', { hasText: 'Signed in to Zoho' }).waitFor({ timeout: 15_000 });
    await shot('04-signed-in', view);
    expect(await (await rig.t.request('/api/browser/session', { user: ADA.user })).json()).toMatchObject({ status: 'active', dc: 'com' });
    await answer().locator('.browser-login .action-text', { hasText: 'Signed in to Zoho.' }).waitFor({ timeout: 10_000 });
  });

  it('asks again and shows the screenshot inline with the model\'s description; the model got the image', async () => {
    const index = rig.llm.requests.length;
    rig.llm.script(
      { toolCalls: [{ id: 'call_page_2', name: TOOL, arguments: { app: 'crm', path: `/crm/tab/Leads/${rig.leadId}` } }] },
      { text: ['This is the lead **Ada Lovelace** of Analytical Engines Ltd; her status is Contacted.'] },
    );
    await answer().locator('.browser-login button', { hasText: 'Ask again' }).click();
    const figure = answer().locator('figure.screenshot');
    await figure.waitFor({ timeout: 15_000 });
    await expect.poll(() => figure.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(1280);
    expect(await figure.locator('img').getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
    expect(await figure.locator('figcaption').textContent()).toContain('Ada Lovelace - Leads - Zoho CRM');
    await answer().locator('.md', { hasText: 'Analytical Engines Ltd' }).waitFor();
    await shot('05-screenshot-inline');

    const withImage = rig.llm.requests[index + 1]!.body;
    const last = withImage.messages.at(-1);
    expect(last.role).toBe('user');
    const image = last.content.find((p: any) => p.type === 'image_url');
    expect(image.image_url.url).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    const toolMessage = withImage.messages.find((m: any) => m.role === 'tool' && m.content.includes('Ada Lovelace - Leads - Zoho CRM'));
    expect(toolMessage.content).toContain('Analytical Engines Ltd');
  });

  it('keeps what the user typed out of every log line, event, row and model request', async () => {
    await view.close();
    await rig.t.runtime.callLog.flush();
    const tables = await rig.t.runtime.database.db.execute(sql`select table_name from information_schema.tables where table_schema = current_schema()`);
    const names = ((tables as any).rows ?? tables).map((r: any) => r.table_name as string);
    expect(names).toEqual(expect.arrayContaining(['browser_sessions', 'browser_logins', 'tool_calls']));
    let rows = '';
    for (const name of names) rows += JSON.stringify(await rig.t.runtime.database.db.execute(sql.raw(`select * from "${name}"`)));
    const everything = [rig.t.logger.lines.join('\n'), streams.join('\n'), JSON.stringify(rig.llm.requests.map((r) => r.body)), rows];
    expect(streams.length).toBeGreaterThanOrEqual(3);
    for (const text of everything) {
      expect(text).not.toContain(ADA.password);
      expect(text).not.toContain(ADA.otp);
    }
    // Nor does the chat page keep it.
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(ADA.password);
  });
});
