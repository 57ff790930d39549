// What the browser tests share: the fake Zoho API, the fake Zoho web UI in front of it, a foreign
// host and a UDP port that must never hear from the browser, and the real runtime (its own Chromium)
// pointed at them with ZOHO_ACCOUNTS_URL / ZOHO_CRM_WEB_URL / ZOHO_DESK_WEB_URL.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findChromium } from '../../src/browser/find-chromium.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from '../support/fake-openrouter.ts';
import { startFakeZohoWeb, type FakeZohoWeb } from '../support/fake-zoho-web.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

export const CHROMIUM = findChromium(process.env.BROWSER_EXECUTABLE_PATH ?? 'chromium', process.env.PATH ?? '');

/** One line, once per file, when there is no Chromium: the file's tests are skipped. */
export function chromiumOrSkip(file: string): boolean {
  if (!CHROMIUM.ok) console.warn(`[${file}] SKIPPED: ${CHROMIUM.reason}; ${CHROMIUM.fix}.`);
  return CHROMIUM.ok;
}

export const TOOL = 'browser_navigate_and_screenshot';

/** Web users of the fake: the email, password and one-time code a person would type. */
export const ADA = { user: 'ada', zuid: '71001', email: 'ada@example.com', password: 'Analytical-Engine-1843!', otp: '314159' };
export const BOB = { user: 'bob', zuid: '71002', email: 'bob@example.com', password: 'Difference-Engine-1822!', otp: '271828' };

export interface Recorder {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

/** A host the browser must never reach: it records every request (and every connection) it gets. */
export async function startForeignHost(): Promise<Recorder> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Foreign</title><p>foreign');
  });
  server.on('connection', () => hits.push('(connection)'));
  server.on('upgrade', (req, socket) => {
    hits.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A UDP port (a STUN server a page names) that records any datagram. */
export async function startUdpRecorder(): Promise<{ port: number; hits: number; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  const state = { port: 0, hits: 0, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
  socket.on('message', () => void (state.hits += 1));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  state.port = socket.address().port;
  return state;
}

export interface BrowserRig {
  zoho: FakeZoho;
  web: FakeZohoWeb;
  foreign: Recorder;
  stun: Awaited<ReturnType<typeof startUdpRecorder>>;
  llm: FakeOpenRouter;
  t: TestRuntime;
  /** Ada Lovelace, a lead in the fake CRM. */
  leadId: string;
  connect(person: typeof ADA): Promise<void>;
  /** Signs the person in to the fake web UI and imports that session (POST /api/browser/login with storageState). */
  importSession(person: typeof ADA, options?: { ttlSeconds?: number }): Promise<Response>;
  callTool(user: string, params: Record<string, unknown>, init?: { sse?: boolean; signal?: AbortSignal }): Promise<Response>;
  close(): Promise<void>;
}

export async function startBrowserRig(options: { env?: Record<string, string>; now?: () => number } = {}): Promise<BrowserRig> {
  const zoho = await startFakeZoho();
  const foreign = await startForeignHost();
  const stun = await startUdpRecorder();
  const web = await startFakeZohoWeb({ zoho, foreignUrl: foreign.url, stunPort: stun.port });
  const llm = await startFakeOpenRouter();
  for (const person of [ADA, BOB]) {
    zoho.addUser({ zuid: person.zuid, email: person.email, orgId: '9001', deskOrgIds: ['555'] });
    web.addUser(person);
  }
  const db = testDatabases()[0]!.create();
  const t = await startTestRuntime({
    fake: zoho,
    database: db.options,
    now: options.now,
    env: {
      ZOHO_ACCOUNTS_URL: web.accountsUrl, ZOHO_CRM_WEB_URL: web.crmUrl, ZOHO_DESK_WEB_URL: web.deskUrl,
      OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL, BROWSER_CALL_TIMEOUT_MS: '8000', ...options.env,
    },
  });
  const leadId = await addLead(zoho, ADA.zuid, { First_Name: 'Ada', Last_Name: 'Lovelace', Email: 'ada@analytical.example', Company: 'Analytical Engines Ltd', Lead_Status: 'Contacted' });
  return {
    zoho, web, foreign, stun, llm, t, leadId,
    async connect(person) {
      const res = await connectThroughOAuth(t, zoho, person.user, person.zuid, { accountsServer: web.accountsUrl });
      if (res.status !== 200) throw new Error(`connect ${person.user}: ${res.status} ${await res.text()}`);
    },
    importSession: (person, opts) => t.request('/api/browser/login', {
      method: 'POST', user: person.user, body: JSON.stringify({ storageState: web.storageStateFor(person.email, opts) }),
    }),
    callTool: (user, params, init = {}) => t.request(`/api/tools/${TOOL}`, {
      method: 'POST', user, body: JSON.stringify({ params }), signal: init.signal,
      headers: init.sse ? { accept: 'text/event-stream' } : {},
    }),
    async close() {
      await t.close();
      await db.drop();
      await Promise.all([web.close(), zoho.close(), foreign.close(), stun.close(), llm.close()]);
    },
  };
}

/** A lead created through the fake's own CRM API, so the API and the web UI show the same record. */
async function addLead(zoho: FakeZoho, zuid: string, fields: Record<string, unknown>): Promise<string> {
  const { accessToken } = zoho.mintTokens(zuid);
  const res = await fetch(`${zoho.url}/crm/v8/Leads`, {
    method: 'POST', headers: { authorization: `Zoho-oauthtoken ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: [fields] }),
  });
  const body = (await res.json()) as { data: Array<{ details: { id: string } }> };
  return body.data[0]!.details.id;
}
