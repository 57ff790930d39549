import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Db } from '../db/database.ts';
import { browserSessions } from '../db/schema.ts';
import { latestCookieExpiry, storageStateSchema, type StorageState } from './storage-state.ts';

/** A stored browser session without its state: safe to answer and log. */
export interface BrowserSessionInfo {
  dc: string;
  status: 'active' | 'expired';
  expiresAt?: Date;
  version: number;
}

/** The AAD binding a sealed storage state to its user and data centre (a row copied elsewhere fails to open). */
const aadFor = (userId: string, dc: string) => JSON.stringify(['browser_sessions', userId, dc, 'storage_state']);

/** The only code that reads or writes `browser_sessions`; states are sealed with AES-256-GCM at rest. */
export class BrowserSessionStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    private readonly now: () => number = Date.now,
  ) {}

  /** Saves a signed-in session (login handover or import), replacing any earlier one of that user and DC. */
  async save(userId: string, dc: string, state: StorageState): Promise<BrowserSessionInfo> {
    const values = {
      stateEnc: this.cipher.encrypt(JSON.stringify(state), aadFor(userId, dc)),
      status: 'active' as const,
      expiresAt: latestCookieExpiry(state) ?? null,
      updatedAt: new Date(this.now()),
    };
    const [row] = await this.db
      .insert(browserSessions)
      .values({ id: randomUUID(), appUserId: userId, dc, ...values })
      .onConflictDoUpdate({ target: [browserSessions.appUserId, browserSessions.dc], set: { ...values, version: sql`${browserSessions.version} + 1` } })
      .returning();
    return this.info(row!);
  }

  /** The session of that user and DC, with its state opened; undefined when there is none. */
  async find(userId: string, dc: string): Promise<(BrowserSessionInfo & { state: StorageState }) | undefined> {
    const [row] = await this.db.select().from(browserSessions)
      .where(and(eq(browserSessions.appUserId, userId), eq(browserSessions.dc, dc))).limit(1);
    if (!row) return undefined;
    try {
      const state = storageStateSchema.parse(JSON.parse(this.cipher.decrypt(row.stateEnc, aadFor(userId, dc))));
      return { ...this.info(row), state };
    } catch {
      // Sealed for another user or DC, with another key, or not a state: as good as signed out.
      return { ...this.info(row), status: 'expired', state: { cookies: [], origins: [] } };
    }
  }

  /** What `GET /api/browser/session` shows: the session of that DC, else the user's newest. */
  async describe(userId: string, dc: string): Promise<BrowserSessionInfo | undefined> {
    const rows = await this.db.select().from(browserSessions).where(eq(browserSessions.appUserId, userId)).orderBy(desc(browserSessions.updatedAt));
    const row = rows.find((r) => r.dc === dc) ?? rows[0];
    return row ? this.info(row) : undefined;
  }

  /** Writes cookies the site refreshed during a call, unless the session was replaced meanwhile (compare-and-set on the version). */
  async refresh(userId: string, dc: string, version: number, state: StorageState): Promise<number | undefined> {
    const [row] = await this.db.update(browserSessions)
      .set({
        stateEnc: this.cipher.encrypt(JSON.stringify(state), aadFor(userId, dc)),
        expiresAt: latestCookieExpiry(state) ?? null,
        version: sql`${browserSessions.version} + 1`,
        updatedAt: new Date(this.now()),
      })
      .where(and(eq(browserSessions.appUserId, userId), eq(browserSessions.dc, dc), eq(browserSessions.version, version), eq(browserSessions.status, 'active')))
      .returning({ version: browserSessions.version });
    return row?.version;
  }

  /** A navigation landed on Zoho's sign-in: the session no longer works and is not retried. */
  async markExpired(userId: string, dc: string, version: number): Promise<void> {
    await this.db.update(browserSessions)
      .set({ status: 'expired', version: sql`${browserSessions.version} + 1`, updatedAt: new Date(this.now()) })
      .where(and(eq(browserSessions.appUserId, userId), eq(browserSessions.dc, dc), eq(browserSessions.version, version)));
  }

  /** Forgets every browser session of the user; how many there were. */
  async deleteForUser(userId: string): Promise<number> {
    const rows = await this.db.delete(browserSessions).where(eq(browserSessions.appUserId, userId)).returning({ id: browserSessions.id });
    return rows.length;
  }

  private info(row: typeof browserSessions.$inferSelect): BrowserSessionInfo {
    const expired = row.status === 'expired' || (row.expiresAt !== null && row.expiresAt.getTime() <= this.now());
    return { dc: row.dc, status: expired ? 'expired' : 'active', version: row.version, ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}) };
  }
}
