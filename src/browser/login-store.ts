import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { browserLogins } from '../db/schema.ts';

export type LoginStatus = 'waiting' | 'done' | 'expired' | 'failed';

export interface LoginRecord {
  id: string;
  userId: string;
  dc: string;
  status: LoginStatus;
  message?: string;
  expiresAt: Date;
}

const hash = (token: string) => createHash('sha256').update(token).digest();

/**
 * Login handovers in the database: their outcome is visible to every instance, and a row binds the
 * handover to its user. The live view's bearer token is stored as a hash only.
 */
export class LoginStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new handover: its id and the view token (returned once, in the viewUrl fragment). */
  async create(userId: string, dc: string, ttlMs: number): Promise<{ record: LoginRecord; viewToken: string }> {
    const id = randomBytes(16).toString('base64url');
    const viewToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now() + ttlMs);
    await this.db.insert(browserLogins).values({ id, appUserId: userId, dc, viewTokenHash: hash(viewToken).toString('base64url'), expiresAt });
    return { record: { id, userId, dc, status: 'waiting', expiresAt }, viewToken };
  }

  /** The user's handover (another user's is not found); a waiting one past its expiry reads as expired. */
  async getForUser(userId: string, id: string): Promise<LoginRecord | undefined> {
    const [row] = await this.db.select().from(browserLogins).where(and(eq(browserLogins.id, id), eq(browserLogins.appUserId, userId))).limit(1);
    return row ? this.record(row) : undefined;
  }

  /** The handover a live-view token opens, or undefined (unknown id, wrong token). */
  async getForViewer(id: string, viewToken: string): Promise<LoginRecord | undefined> {
    const [row] = await this.db.select().from(browserLogins).where(eq(browserLogins.id, id)).limit(1);
    if (!row) return undefined;
    const expected = Buffer.from(row.viewTokenHash, 'base64url');
    const given = hash(viewToken);
    return expected.length === given.length && timingSafeEqual(expected, given) ? this.record(row) : undefined;
  }

  /** Ends a waiting handover once (done, expired, failed); false when it had already ended. */
  async finish(id: string, status: Exclude<LoginStatus, 'waiting'>, message?: string): Promise<boolean> {
    const rows = await this.db.update(browserLogins)
      .set({ status, message: message ?? null, updatedAt: new Date(this.now()) })
      .where(and(eq(browserLogins.id, id), eq(browserLogins.status, 'waiting')))
      .returning({ id: browserLogins.id });
    return rows.length > 0;
  }

  private record(row: typeof browserLogins.$inferSelect): LoginRecord {
    const expired = row.status === 'waiting' && row.expiresAt.getTime() <= this.now();
    return {
      id: row.id, userId: row.appUserId, dc: row.dc, expiresAt: row.expiresAt,
      status: expired ? 'expired' : row.status,
      ...(expired ? { message: 'The sign-in was not finished in time.' } : row.message ? { message: row.message } : {}),
    };
  }
}
