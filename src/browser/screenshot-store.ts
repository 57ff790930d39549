import { randomUUID } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Db } from '../db/database.ts';
import { browserScreenshots } from '../db/schema.ts';

export interface Screenshot {
  id: string;
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  bytes: Uint8Array;
  expiresAt: Date;
}

/** Where `GET /api/browser/screenshots/:id` serves a screenshot from. */
export const screenshotUrl = (id: string) => `/api/browser/screenshots/${id}`;

const SWEEP_EVERY_MS = 60_000;

/** The AES-GCM context of a screenshot: a row copied to another user or id does not open. */
const sealContext = (userId: string, id: string) => `browser_screenshots:${userId}:${id}`;

/**
 * Screenshots in the database (any instance serves them), each bound to the user whose call took it
 * and kept until it expires; expired rows are deleted at most once a minute, on a write. The image is
 * sealed like the tokens (it shows the user's Zoho data): a row that does not open (another key, a
 * copied row, or one stored unsealed before sealing began) is answered as not found.
 */
export class ScreenshotStore {
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async put(userId: string, shot: Omit<Screenshot, 'id' | 'expiresAt'>): Promise<Screenshot> {
    const id = randomUUID();
    const expiresAt = new Date(this.now() + this.ttlMs);
    const bytes = this.cipher.encryptBytes(shot.bytes, sealContext(userId, id));
    await this.db.insert(browserScreenshots).values({ id, appUserId: userId, ...shot, bytes, expiresAt });
    await this.sweep();
    return { id, expiresAt, ...shot };
  }

  /** The screenshot, only for its owner and only until it expires. */
  async get(userId: string, id: string): Promise<Screenshot | undefined> {
    const [row] = await this.db.select().from(browserScreenshots)
      .where(and(eq(browserScreenshots.id, id), eq(browserScreenshots.appUserId, userId), gt(browserScreenshots.expiresAt, new Date(this.now()))))
      .limit(1);
    if (!row) return undefined;
    let bytes: Buffer;
    try {
      bytes = this.cipher.decryptBytes(row.bytes, sealContext(userId, id));
    } catch {
      return undefined;
    }
    return { id: row.id, mime: row.mime, width: row.width, height: row.height, bytes: new Uint8Array(bytes), expiresAt: row.expiresAt };
  }

  private async sweep(): Promise<void> {
    if (this.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = this.now();
    await this.db.delete(browserScreenshots).where(lt(browserScreenshots.expiresAt, new Date(this.now())));
  }
}
