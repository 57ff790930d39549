// Browser tools: one headless Chromium per instance opening Zoho's web UI in each user's own Zoho
// web session (kept encrypted in the database), and login handovers through which users sign in to
// Zoho themselves. It never clicks or types for a model, never sees a password as such, and never
// lets the browser reach anything but the user's Zoho web hosts (egress-proxy.ts).
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ConnectionStore } from '../zoho/connection-store.ts';
import { DATA_CENTRE_CODES, type DataCentreCode, type HostOverrides } from '../zoho/data-centres.ts';
import type { BrowserApi } from './browser-client.ts';
import { createChromium } from './chromium.ts';
import { createContextPool } from './context-pool.ts';
import { webOriginsFor } from './egress-policy.ts';
import { findChromium } from './find-chromium.ts';
import { createLoginHandovers } from './login-handover.ts';
import { LoginStore } from './login-store.ts';
import { navigateAndScreenshot, type BrowserUser } from './navigate-and-screenshot.ts';
import { ScreenshotStore } from './screenshot-store.ts';
import { BrowserSessionStore, type BrowserSessionInfo } from './session-store.ts';
import { createSlots } from './slots.ts';
import { keepZohoSession, type StorageState } from './storage-state.ts';

export interface BrowserSettings {
  executable: string;
  searchPath: string;
  maxContexts: number;
  maxPages: number;
  idleMs: number;
  callTimeoutMs: number;
  screenshotTtlMs: number;
  loginTtlMs: number;
}

export interface BrowserServiceDeps {
  settings: BrowserSettings;
  db: Db;
  cipher: TokenCipher;
  connections: ConnectionStore;
  overrides: HostOverrides;
  defaultDc: DataCentreCode;
  logger: Logger;
  now?: () => number;
}

/** Calls waiting for a page, at most, per open page (then BROWSER_UNAVAILABLE at once). */
const QUEUE_PER_PAGE = 4;
const QUEUE_WAIT_MS = 15_000;

/** Wires Chromium, the context pool, the stores and the handovers; what compose.ts and the routes use. */
export function createBrowserService(deps: BrowserServiceDeps) {
  const { settings, logger } = deps;
  const chromiumPath = findChromium(settings.executable, settings.searchPath);
  const sessions = new BrowserSessionStore(deps.db, deps.cipher, deps.now);
  const screenshots = new ScreenshotStore(deps.db, deps.cipher, settings.screenshotTtlMs, deps.now);
  const logins = new LoginStore(deps.db, deps.now);
  const unavailable = chromiumPath.ok ? undefined : `Chromium is not available: ${chromiumPath.reason}; ${chromiumPath.fix}.`;
  const chromium = createChromium({ executablePath: chromiumPath.ok ? chromiumPath.path : '', logger });
  const pool = createContextPool({
    chromium, overrides: deps.overrides, maxContexts: settings.maxContexts, idleMs: settings.idleMs, waitMs: QUEUE_WAIT_MS, logger,
  });
  const pages = createSlots(settings.maxPages, { waitMs: QUEUE_WAIT_MS, maxWaiting: settings.maxPages * QUEUE_PER_PAGE });
  const handovers = createLoginHandovers({
    chromium, logins, sessions, overrides: deps.overrides, ttlMs: settings.loginTtlMs, maxActive: settings.maxContexts, logger,
  });
  const navigateDeps = { pool, pages, sessions, screenshots, overrides: deps.overrides, callTimeoutMs: settings.callTimeoutMs, logger };

  const requireChromium = () => {
    if (unavailable) throw new AppError('BROWSER_UNAVAILABLE', unavailable, { details: { reason: 'no_chromium' } });
  };

  /** The DC and CRM org of the user's Zoho connection; without one, the default DC. */
  async function browserUser(userId: string): Promise<BrowserUser> {
    const connection = await deps.connections.findCurrentForUser(userId);
    const dc = connection && (DATA_CENTRE_CODES as readonly string[]).includes(connection.dc) ? (connection.dc as DataCentreCode) : deps.defaultDc;
    return { userId, dc, crmOrgId: connection?.crmOrgId };
  }

  return {
    /** Undefined when the browser tools work; else why not and how to fix it (GET /api/tools, the doctor). */
    unavailable,
    screenshots,

    /** The browser tool's API for the user: resolved per call, so a new connection or session is seen at once. */
    async getBrowserApi(userId: string): Promise<BrowserApi> {
      requireChromium();
      return {
        appType: 'browser',
        userId,
        client: { navigateAndScreenshot: async (request, options) => navigateAndScreenshot(navigateDeps, await browserUser(userId), request, options) },
      };
    },

    /** The DC a browser session is for when the caller names none. */
    async dcFor(userId: string, dc?: DataCentreCode): Promise<DataCentreCode> {
      return dc ?? (await browserUser(userId)).dc;
    },

    async startLogin(userId: string, dc: DataCentreCode) {
      requireChromium();
      return handovers.start(userId, dc);
    },

    loginStatus: (userId: string, loginId: string) => logins.getForUser(userId, loginId),
    forViewer: handovers.forViewer,

    /** A session brought by the caller (Playwright storage state): kept for the Zoho web hosts of that DC only. */
    async importSession(userId: string, dc: DataCentreCode, state: StorageState): Promise<BrowserSessionInfo> {
      const kept = keepZohoSession(state, webOriginsFor(dc, deps.overrides));
      if (kept.cookies.length === 0 && kept.origins.length === 0) {
        throw new AppError('INVALID_REQUEST', 'The storage state has no cookies or local storage for the Zoho web hosts of this data centre.', {
          details: { fields: [{ field: 'storageState', message: 'nothing for the Zoho web hosts' }] },
        });
      }
      const info = await sessions.save(userId, dc, kept);
      await pool.closeUser(userId);
      return info;
    },

    async describeSession(userId: string): Promise<BrowserSessionInfo | undefined> {
      return sessions.describe(userId, (await browserUser(userId)).dc);
    },

    async forgetSession(userId: string): Promise<void> {
      await sessions.deleteForUser(userId);
      await pool.closeUser(userId);
    },

    stats: () => ({ chromium: chromium.running, ...pool.stats(), pagesInUse: pages.inUse, waiting: pages.waiting, ...handovers.stats() }),

    async close(): Promise<void> {
      await handovers.close();
      await pool.close();
      await chromium.close();
    },
  };
}

export type BrowserService = ReturnType<typeof createBrowserService>;
