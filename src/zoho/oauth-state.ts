import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Db } from '../db/database.ts';
import { oauthStates } from '../db/schema.ts';

export const STATE_TTL_MS = 10 * 60_000;

export interface ConsumedState {
  appUserId: string;
  dc: string;
  codeVerifier: string;
}

/**
 * The OAuth `state`: 32 random bytes plus an HMAC (so forgeries are refused without a query),
 * stored only as a hash with the user it binds, the DC and the PKCE verifier; single use, and
 * it expires in minutes. Nothing secret or personal travels in it.
 */
export class OAuthStateStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    private readonly signingKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  async create(appUserId: string, dc: string): Promise<{ state: string; codeVerifier: string }> {
    const nonce = randomBytes(32).toString('base64url');
    const state = `${nonce}.${this.sign(nonce)}`;
    const codeVerifier = randomBytes(32).toString('base64url');
    const stateHash = hash(state);
    await this.db.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date(this.now())));
    await this.db.insert(oauthStates).values({
      stateHash,
      appUserId,
      dc,
      codeVerifierEnc: this.cipher.encrypt(codeVerifier, `oauth_states:${stateHash}`),
      expiresAt: new Date(this.now() + STATE_TTL_MS),
    });
    return { state, codeVerifier };
  }

  /** Deletes and returns the state's row; undefined when forged, unknown, used or expired. */
  async consume(state: string): Promise<ConsumedState | undefined> {
    const [nonce, signature] = state.split('.');
    if (!nonce || !signature || !safeEqual(signature, this.sign(nonce))) return undefined;
    const stateHash = hash(state);
    const [row] = await this.db.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash)).returning();
    if (!row || row.expiresAt.getTime() <= this.now()) return undefined;
    return {
      appUserId: row.appUserId,
      dc: row.dc,
      codeVerifier: this.cipher.decrypt(row.codeVerifierEnc, `oauth_states:${stateHash}`),
    };
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.signingKey).update(`zoho-oauth-state:${nonce}`).digest('base64url');
  }
}

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** PKCE S256 challenge for a verifier (RFC 7636). */
export const codeChallengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
