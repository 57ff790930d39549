import type { Page } from 'playwright-core';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { explain, leftZoho, loginRequired } from './browser-errors.ts';
import type { DataCentreCode, HostOverrides } from '../zoho/data-centres.ts';
import type { BrowserCallOptions, BrowserPageResult, WebApp } from './browser-client.ts';
import type { ContextPool, Lease } from './context-pool.ts';
import { webOriginsFor, type WebOrigins } from './egress-policy.ts';
import { capture, landingOf, readText, showsSignInForm } from './read-page.ts';
import { screenshotUrl, type ScreenshotStore } from './screenshot-store.ts';
import type { BrowserSessionStore } from './session-store.ts';
import type { Slots } from './slots.ts';
import { keepZohoSession, storageStateSchema, type StorageState } from './storage-state.ts';
import { watchNetwork } from './settle.ts';
import { resolveWebUrl } from './web-path.ts';

/** How long a loaded page may take to go quiet (a single-page app keeps loading); then it is shot as it is. */
const SETTLE_MS = 2000;

export interface NavigateDeps {
  pool: ContextPool;
  pages: Slots;
  sessions: BrowserSessionStore;
  screenshots: ScreenshotStore;
  overrides: HostOverrides;
  callTimeoutMs: number;
  logger: Logger;
}

/** Whose browser a call uses: the user, the DC of their Zoho connection, and its CRM org (for default paths). */
export interface BrowserUser {
  userId: string;
  dc: DataCentreCode;
  crmOrgId?: string | null;
}

/** Where a call without `path` goes. Desk: `/agent/`, which Zoho sends on to the user's portal (UNVERIFIED). */
const homeOf = (app: WebApp, crmOrgId?: string | null) =>
  app === 'crm' ? (crmOrgId ? `/crm/org${crmOrgId}/tab/Home/begin` : '/crm/') : '/agent/';

/**
 * One browser call: checks the path, opens it in the user's own Zoho web session, waits for the
 * page to settle, and returns its URL, title, a stored screenshot and a text summary. Landing on
 * Zoho's sign-in marks the session expired (BROWSER_LOGIN_REQUIRED, never a retry). The page's
 * deadline (`callTimeoutMs`) and the caller's abort close the page.
 */
export async function navigateAndScreenshot(
  deps: NavigateDeps, user: BrowserUser, request: { app: WebApp; path?: string }, options: BrowserCallOptions = {},
): Promise<BrowserPageResult> {
  const web = webOriginsFor(user.dc, deps.overrides);
  const url = resolveWebUrl(web[request.app], request.path, { home: homeOf(request.app, user.crmOrgId), crmOrgId: user.crmOrgId });
  options.audit?.({ url: url.href });
  const session = await deps.sessions.find(user.userId, user.dc);
  if (!session || session.status !== 'active') throw loginRequired(session ? 'expired' : 'none');
  const key = { userId: user.userId, dc: user.dc, version: session.version };
  const release = await deps.pages.acquire(options.signal);
  try {
    return await deps.pool.use(key, async () => session.state, (lease) => {
      // The deadline covers the page (load, settle, screenshot), not the wait for a slot or a browser start.
      const deadline = AbortSignal.timeout(deps.callTimeoutMs);
      const deadlineAt = Date.now() + deps.callTimeoutMs;
      const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
      return visit(deps, lease, { user, web, url, state: session.state, signal, left: () => Math.max(1, deadlineAt - Date.now()) })
        .catch((error) => {
          throw explain(error, options.signal, deadline, deps.callTimeoutMs);
        });
    }, options.signal);
  } catch (error) {
    throw explain(error, options.signal, undefined, deps.callTimeoutMs);
  } finally {
    release();
  }
}

interface Visit {
  user: BrowserUser;
  web: WebOrigins;
  url: URL;
  state: StorageState;
  signal: AbortSignal;
  left: () => number;
}

async function visit(deps: NavigateDeps, lease: Lease, v: Visit): Promise<BrowserPageResult> {
  const page = await lease.context.newPage();
  const close = () => void page.close().catch(() => {});
  v.signal.addEventListener('abort', close, { once: true });
  const refusedBefore = lease.refused();
  const network = watchNetwork(page);
  try {
    await goto(page, v, () => (lease.refused() > refusedBefore ? lease.lastRefused() : undefined));
    await network.settled(Math.min(SETTLE_MS, v.left()));
    const landed = landingOf(page.url(), v.web);
    if (landed === 'sign_in' || (landed === 'app' && (await showsSignInForm(page)))) {
      await deps.sessions.markExpired(v.user.userId, v.user.dc, lease.version());
      await deps.pool.closeUser(v.user.userId);
      throw loginRequired('expired');
    }
    if (landed !== 'app') throw leftZoho(page.url());
    const { title, summary } = await readText(page, v.left());
    const shot = await deps.screenshots.put(v.user.userId, await capture(page, v.left));
    await keepCookiesFresh(deps, lease, v);
    const blocked = lease.refused() - refusedBefore;
    return {
      url: page.url(), title,
      screenshot: { id: shot.id, url: screenshotUrl(shot.id), width: shot.width, height: shot.height },
      summary, ...(blocked > 0 ? { blockedRequests: blocked } : {}),
    };
  } finally {
    v.signal.removeEventListener('abort', close);
    close();
  }
}

/** Opens the URL; a download, or a navigation the egress proxy refused (a redirect off the Zoho hosts), is refused. */
async function goto(page: Page, v: Visit, proxyRefused: () => string | undefined): Promise<void> {
  try {
    await page.goto(v.url.href, { waitUntil: 'load', timeout: v.left() });
  } catch (error) {
    const message = String((error as Error)?.message ?? '');
    if (/Download is starting/i.test(message)) throw new AppError('BROWSER_NAVIGATION_REFUSED', 'The page started a download; downloads are refused.');
    const refused = proxyRefused();
    if (!v.signal.aborted && refused && /net::ERR_/.test(message)) throw leftZoho(refused);
    throw error;
  }
}

/** Cookies the site set or refreshed during the call go back to the stored session (Zoho hosts only). */
async function keepCookiesFresh(deps: NavigateDeps, lease: Lease, v: Visit): Promise<void> {
  const fresh = keepZohoSession(storageStateSchema.parse(await lease.context.storageState()), v.web);
  if (JSON.stringify(fresh) === JSON.stringify(keepZohoSession(v.state, v.web))) return;
  const version = await deps.sessions.refresh(v.user.userId, v.user.dc, lease.version(), fresh);
  if (version !== undefined) lease.setVersion(version);
}
