// Without Chromium the browser tool is not offered: GET /api/tools says why, calls answer 503, the
// chat does not offer it, and the doctor prints the fix. Runs on any machine.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../src/browser/find-chromium.ts';
import { checkBrowser } from '../../src/doctor/browser-checks.ts';
import { startChatRig, type ChatRig } from '../support/chat-rig.ts';
import { readSse } from '../support/serve.ts';
import { TOOL } from './rig.ts';

describe('a runtime without Chromium', () => {
  let rig: ChatRig;

  beforeAll(async () => {
    rig = await startChatRig({ env: { BROWSER_EXECUTABLE_PATH: '/nonexistent/chromium' } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('lists the browser tool under unavailable with the reason and the fix, not among the tools', async () => {
    const body = (await (await rig.t.request('/api/tools', { user: 'alice' })).json()) as any;
    expect(body.tools.map((t: any) => t.name)).not.toContain(TOOL);
    expect(body.tools.length).toBeGreaterThan(20);
    expect(body.unavailable).toEqual([{ name: TOOL, app: 'browser', reason: expect.stringContaining('BROWSER_EXECUTABLE_PATH=/nonexistent/chromium') }]);
    expect(body.unavailable[0].reason).toContain('apt-get install -y chromium');
  });

  it('answers a call of the browser tool and a sign-in with 503 BROWSER_UNAVAILABLE', async () => {
    const call = await rig.t.request(`/api/tools/${TOOL}`, { method: 'POST', user: 'alice', body: JSON.stringify({ params: { app: 'crm' } }) });
    expect(call.status).toBe(503);
    expect(((await call.json()) as any).error.code).toBe('BROWSER_UNAVAILABLE');
    const login = await rig.t.request('/api/browser/login', { method: 'POST', user: 'alice', body: '{}' });
    expect(login.status).toBe(503);
    expect(((await login.json()) as any).error).toMatchObject({ code: 'BROWSER_UNAVAILABLE', details: { reason: 'no_chromium' } });
    expect(((await (await rig.t.request('/api/browser/session', { user: 'alice' })).json()) as any)).toEqual({ status: 'none' });
  });

  it('does not offer the browser tool to the model', async () => {
    rig.llm.script({ text: ['Hello.'] });
    const res = await rig.t.request('/api/chat', { method: 'POST', user: 'alice', body: JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }] }) });
    await readSse(res);
    const names = rig.llm.requests.at(-1)!.body.tools.map((t: any) => t.function.name);
    expect(names).toContain('crm_get_record');
    expect(names).not.toContain(TOOL);
  });
});

describe('finding Chromium', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'find-chromium-'));
    writeFileSync(join(dir, 'chromium'), '#!/bin/sh\n');
    chmodSync(join(dir, 'chromium'), 0o755);
    writeFileSync(join(dir, 'not-executable'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('looks a command name up on PATH, and takes an absolute path as it is', () => {
    expect(findChromium('chromium', `/nonexistent:${dir}`)).toEqual({ ok: true, path: join(dir, 'chromium') });
    expect(findChromium(join(dir, 'chromium'), '')).toEqual({ ok: true, path: join(dir, 'chromium') });
  });

  it('says why not and how to fix it', () => {
    expect(findChromium('chromium', '/nonexistent')).toMatchObject({ ok: false, reason: 'no `chromium` on PATH', fix: expect.stringContaining('BROWSER_EXECUTABLE_PATH') });
    expect(findChromium(join(dir, 'not-executable'), '')).toMatchObject({ ok: false, reason: expect.stringContaining('not an executable file') });
    expect(findChromium('bin/chromium', dir)).toMatchObject({ ok: false, reason: expect.stringContaining('not an absolute path') });
  });

  it('gives the doctor a skipped line with the fix by default, a failure when BROWSER_EXECUTABLE_PATH is wrong', () => {
    const settings = (executable: string, searchPath: string) => ({
      executable, searchPath, maxContexts: 1, maxPages: 1, idleMs: 1, callTimeoutMs: 1, screenshotTtlMs: 1, loginTtlMs: 1,
    });
    expect(checkBrowser(settings('chromium', dir), false)).toMatchObject({ ok: true, detail: expect.stringContaining(join(dir, 'chromium')) });
    expect(checkBrowser(settings('chromium', '/nonexistent'), false)).toMatchObject({ ok: true, skipped: true, detail: expect.stringContaining('apt-get install') });
    expect(checkBrowser(settings('/nonexistent/chromium', ''), true)).toMatchObject({ ok: false, fix: expect.stringContaining('apt-get install') });
  });
});
