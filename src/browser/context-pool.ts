import type { BrowserContext } from 'playwright-core';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { DataCentreCode, HostOverrides } from '../zoho/data-centres.ts';
import type { Chromium } from './chromium.ts';
import type { EgressProxy } from './egress-proxy.ts';
import { openUserContext } from './open-user-context.ts';
import type { StorageState } from './storage-state.ts';
import { createWakeList } from './wake-list.ts';

/** Which session a context holds: a user's, for one DC, at one stored version. */
export interface ContextKey {
  userId: string;
  dc: DataCentreCode;
  version: number;
}

/** A user's context while one of their calls uses it. */
export interface Lease {
  context: BrowserContext;
  /** Requests of this context refused so far by its egress proxy, and the latest one's target. */
  refused(): number;
  lastRefused(): string | undefined;
  /** The stored session's version this context holds. */
  version(): number;
  /** The stored session moved on (cookies refreshed by this call): keep using this context for it. */
  setVersion(version: number): void;
}

interface Entry extends ContextKey {
  context: BrowserContext;
  proxy: EgressProxy;
  pages: number;
  lastUsed: number;
  retired: boolean;
  idleTimer?: NodeJS.Timeout;
}

export interface ContextPoolDeps {
  chromium: Chromium;
  overrides: HostOverrides;
  maxContexts: number;
  idleMs: number;
  /** How long a call waits for a context when all are busy. */
  waitMs: number;
  logger: Logger;
}

/**
 * A browser context per user while in use: it holds that user's Zoho web session and its own
 * egress proxy, is shared by that user's concurrent calls, closes after `idleMs` without a call,
 * and is rebuilt when the stored session changes (another instance signed in again). At most
 * `maxContexts` are open: the least recently used idle one is closed to make room; when all are
 * busy a call waits up to `waitMs`, then gets BROWSER_UNAVAILABLE.
 */
export function createContextPool(deps: ContextPoolDeps) {
  const all = new Set<Entry>();
  const current = new Map<string, Entry>();
  const creating = new Map<string, Promise<Entry>>();
  /** Contexts being opened: counted against the cap from the moment room was found for them. */
  let reserved = 0;
  const changes = createWakeList();

  async function closeEntry(entry: Entry): Promise<void> {
    if (!all.delete(entry)) return;
    clearTimeout(entry.idleTimer);
    if (current.get(entry.userId) === entry) current.delete(entry.userId);
    await entry.context.close().catch(() => {});
    await entry.proxy.close();
    changes.wakeAll();
  }

  function retire(entry: Entry): void {
    entry.retired = true;
    if (current.get(entry.userId) === entry) current.delete(entry.userId);
    if (entry.pages === 0) void closeEntry(entry);
  }

  /** Waits until a context may be opened, closing idle ones to make room, and reserves its place. */
  async function room(signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + deps.waitMs;
    while (all.size + reserved >= deps.maxContexts) {
      const dead = [...all].find((e) => !e.context.browser()?.isConnected());
      const idle = dead ?? [...all].filter((e) => e.pages === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (idle) {
        await closeEntry(idle);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new AppError('BROWSER_UNAVAILABLE', 'Every browser context is busy; try again shortly.', { retryAfter: 5, details: { reason: 'busy' } });
      await changes.wait(left, signal);
    }
    reserved += 1;
  }

  async function create(key: ContextKey, loadState: () => Promise<StorageState>, signal?: AbortSignal): Promise<Entry> {
    await room(signal);
    try {
      const { context, proxy } = await openUserContext(deps, key, await loadState());
      // Born held by the call that made it, so no other call's eviction can close it first.
      const entry: Entry = { ...key, context, proxy, pages: 1, lastUsed: Date.now(), retired: false };
      all.add(entry);
      return entry;
    } finally {
      reserved -= 1;
      changes.wakeAll();
    }
  }

  /** The user's context for that session, held (its page count raised before anything else can close it). */
  async function acquire(key: ContextKey, loadState: () => Promise<StorageState>, signal?: AbortSignal): Promise<Entry> {
    const tag = `${key.dc}:${key.version}`;
    for (;;) {
      const existing = current.get(key.userId);
      // Chromium died (and is launched again on demand): its contexts are gone with it.
      if (existing && !existing.context.browser()?.isConnected()) {
        await closeEntry(existing);
        continue;
      }
      if (existing && `${existing.dc}:${existing.version}` === tag) return hold(existing);
      const pending = creating.get(key.userId);
      if (pending) {
        // One context per user: wait for the one being made, then look again.
        await pending.catch(() => undefined);
        continue;
      }
      if (existing) retire(existing);
      const made = create(key, loadState, signal);
      creating.set(key.userId, made);
      try {
        const entry = await made;
        current.set(key.userId, entry);
        return entry;
      } finally {
        creating.delete(key.userId);
      }
    }
  }

  function hold(entry: Entry): Entry {
    entry.pages += 1;
    clearTimeout(entry.idleTimer);
    return entry;
  }

  function release(entry: Entry): void {
    entry.pages -= 1;
    entry.lastUsed = Date.now();
    if (entry.pages > 0) return;
    if (entry.retired) {
      void closeEntry(entry);
      return;
    }
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => void closeEntry(entry), deps.idleMs);
    entry.idleTimer.unref();
    changes.wakeAll();
  }

  return {
    /** Runs `fn` with the user's context for that session version (made from `loadState` when needed). */
    async use<T>(key: ContextKey, loadState: () => Promise<StorageState>, fn: (lease: Lease) => Promise<T>, signal?: AbortSignal): Promise<T> {
      const entry = await acquire(key, loadState, signal);
      try {
        return await fn({
          context: entry.context,
          refused: () => entry.proxy.refused,
          lastRefused: () => entry.proxy.lastRefused,
          version: () => entry.version,
          setVersion: (version) => {
            entry.version = version;
          },
        });
      } finally {
        release(entry);
      }
    },
    /** Closes the user's context (the session was deleted or expired). */
    async closeUser(userId: string): Promise<void> {
      await Promise.all([...all].filter((e) => e.userId === userId).map((e) => (e.pages === 0 ? closeEntry(e) : retire(e))));
    },
    stats: () => ({ contexts: all.size, opening: reserved, pages: [...all].reduce((n, e) => n + e.pages, 0) }),
    async close(): Promise<void> {
      await Promise.all([...all].map(closeEntry));
    },
  };
}

export type ContextPool = ReturnType<typeof createContextPool>;
