import type { BrowserContext, Page } from 'playwright-core';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { DataCentreCode, HostOverrides } from '../zoho/data-centres.ts';
import type { Chromium } from './chromium.ts';
import { contextOptions } from './context-options.ts';
import { egressPolicyFor, webOriginsFor, type WebOrigins } from './egress-policy.ts';
import { startEgressProxy, type EgressProxy } from './egress-proxy.ts';
import { createLiveView, type LiveView } from './live-view.ts';
import type { LoginRecord, LoginStatus, LoginStore } from './login-store.ts';
import { landingOf, showsSignInForm } from './read-page.ts';
import type { BrowserSessionStore } from './session-store.ts';
import { keepZohoSession, storageStateSchema } from './storage-state.ts';

export interface HandoverDeps {
  chromium: Chromium;
  logins: LoginStore;
  sessions: BrowserSessionStore;
  overrides: HostOverrides;
  ttlMs: number;
  /** Handovers open at once on this instance. */
  maxActive: number;
  logger: Logger;
}

/** A handover running on this instance: its own context and proxy, the live view, whoever listens for its end. */
interface Active {
  record: LoginRecord;
  context: BrowserContext;
  proxy: EgressProxy;
  view: LiveView;
  web: WebOrigins;
  ended: boolean;
  timer: NodeJS.Timeout;
  listeners: Set<(status: LoginStatus, message?: string) => void>;
}

/** The live-view page of a handover; the token rides in the fragment, so no request line, log or Referer carries it. */
export const viewUrlOf = (loginId: string, viewToken: string) => `/browser-login/${loginId}#${viewToken}`;

/**
 * Login handovers: a fresh browser context on Zoho's sign-in page for the user's DC, shown to the
 * user through the live view, who signs in to Zoho themselves (password, one-time code, SSO). When
 * the browser reaches the app's web UI, the storage state (Zoho hosts only) is saved as the user's
 * session and the handover is done. It expires after `ttlMs`, ends once, and is bound to its user.
 * What the user types goes to the page only: it is never stored, logged or put in an event.
 */
export function createLoginHandovers(deps: HandoverDeps) {
  const active = new Map<string, Active>();

  async function end(handover: Active, status: Exclude<LoginStatus, 'waiting'>, message: string): Promise<void> {
    if (handover.ended) return;
    handover.ended = true;
    clearTimeout(handover.timer);
    await deps.logins.finish(handover.record.id, status, message).catch((error) =>
      deps.logger.error('browser.login_finish_failed', { loginId: handover.record.id, message: (error as Error).message }));
    for (const listener of handover.listeners) listener(status, message);
    deps.logger.info('browser.login_ended', { userId: handover.record.userId, loginId: handover.record.id, status });
    active.delete(handover.record.id);
    await handover.view.close();
    await handover.context.close().catch(() => {});
    await handover.proxy.close();
  }

  /** Reaching the app's web UI, signed in, ends the handover with the session saved. */
  async function onNavigated(handover: Active, page: Page, url: string): Promise<void> {
    if (handover.ended || landingOf(url, handover.web) !== 'app') return;
    await page.waitForLoadState('load', { timeout: 5000 }).catch(() => {});
    if (handover.ended || landingOf(page.url(), handover.web) !== 'app' || (await showsSignInForm(page))) return;
    const state = keepZohoSession(storageStateSchema.parse(await handover.context.storageState()), handover.web);
    await deps.sessions.save(handover.record.userId, handover.record.dc, state);
    await end(handover, 'done', 'Signed in to Zoho: the browser session is saved. You can close this page.');
  }

  function watch(handover: Active, page: Page): void {
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      void onNavigated(handover, page, frame.url()).catch((error) =>
        deps.logger.warn('browser.login_check_failed', { loginId: handover.record.id, message: String((error as Error)?.message).split('\n')[0] }));
    });
  }

  return {
    /** Opens Zoho's sign-in for the user's DC; a newer handover of the same user ends the older one. */
    async start(userId: string, dc: DataCentreCode): Promise<{ loginId: string; viewUrl: string; expiresAt: string }> {
      for (const other of active.values()) {
        if (other.record.userId === userId) await end(other, 'failed', 'A newer sign-in was started.');
      }
      if (active.size >= deps.maxActive) {
        throw new AppError('BROWSER_UNAVAILABLE', 'Too many Zoho sign-ins are open; try again shortly.', { retryAfter: 30, details: { reason: 'busy' } });
      }
      const web = webOriginsFor(dc, deps.overrides);
      const proxy = await startEgressProxy({
        policy: egressPolicyFor(dc, deps.overrides, 'sign_in'),
        onRefused: (target, reason) => deps.logger.warn('browser.egress_refused', { userId, target, reason, purpose: 'sign_in' }),
      });
      let context: BrowserContext | undefined;
      try {
        context = await (await deps.chromium.browser()).newContext(contextOptions(proxy));
        const page = await context.newPage();
        const { record, viewToken } = await deps.logins.create(userId, dc, deps.ttlMs);
        const handover: Active = {
          record, context, proxy, web, view: createLiveView(context, page, deps.logger), ended: false, listeners: new Set(),
          timer: setTimeout(() => void end(handover, 'expired', 'The sign-in was not finished in time.'), deps.ttlMs),
        };
        handover.timer.unref();
        active.set(record.id, handover);
        watch(handover, page);
        context.on('page', (popup) => watch(handover, popup));
        const signIn = new URL(`${web.accounts}/signin`);
        // UNVERIFIED: the parameter names of Zoho's sign-in page; serviceurl is where it sends the browser afterwards.
        signIn.search = new URLSearchParams({ servicename: 'ZohoCRM', serviceurl: `${web.crm}/crm/` }).toString();
        await page.goto(signIn.href, { waitUntil: 'domcontentloaded', timeout: 20_000 }).catch((error) => {
          deps.logger.warn('browser.login_page_failed', { loginId: record.id, message: String((error as Error)?.message).split('\n')[0] });
        });
        deps.logger.info('browser.login_started', { userId, loginId: record.id, dc });
        return { loginId: record.id, viewUrl: viewUrlOf(record.id, viewToken), expiresAt: record.expiresAt.toISOString() };
      } catch (error) {
        await context?.close().catch(() => {});
        await proxy.close();
        throw error;
      }
    },

    /**
     * The handover a live-view token opens, running on this instance. NOT_FOUND for an unknown id or
     * a wrong token; an ended one answers its outcome; one held by another instance is BROWSER_UNAVAILABLE.
     */
    async forViewer(loginId: string, viewToken: string) {
      const record = await deps.logins.getForViewer(loginId, viewToken);
      if (!record) throw new AppError('NOT_FOUND', 'No such sign-in.');
      const handover = active.get(loginId);
      if (record.status !== 'waiting') {
        // Past its time by the database's clock while its timer has not fired here yet: end it now.
        if (handover && record.status === 'expired') await end(handover, 'expired', record.message ?? 'The sign-in was not finished in time.');
        return { record, live: undefined };
      }
      if (!handover) {
        throw new AppError('BROWSER_UNAVAILABLE', 'This sign-in runs on another server instance; open it through the same address again.', { details: { reason: 'other_instance' } });
      }
      return {
        record,
        live: {
          view: handover.view,
          onEnd(listener: (status: LoginStatus, message?: string) => void) {
            handover.listeners.add(listener);
            return () => handover.listeners.delete(listener);
          },
        },
      };
    },

    stats: () => ({ active: active.size }),

    async close(): Promise<void> {
      await Promise.all([...active.values()].map((h) => end(h, 'failed', 'The server stopped.')));
    },
  };
}

export type LoginHandovers = ReturnType<typeof createLoginHandovers>;
