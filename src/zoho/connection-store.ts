import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { rememberOpened } from '../crypto/opened-tokens.ts';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Db } from '../db/database.ts';
import { zohoConnections, type ZohoConnectionRow } from '../db/schema.ts';

/** A stored connection with its tokens decrypted; lives only in memory, never in an answer or a log. */
export interface ZohoConnection {
  id: string;
  appUserId: string;
  zohoUserId: string;
  zohoOrgId: string;
  email: string | null;
  dc: string;
  accountsServer: string;
  apiDomain: string;
  accessToken: string;
  refreshToken: string;
  /** Unix seconds. */
  tokenExpiresAt: number;
  scopes: string[];
  crmOrgId: string | null;
  deskOrgId: string | null;
  status: 'active' | 'needs_reconnect';
  /** The Self Client that minted the refresh token (it refreshes it); null for the deployment's own client. */
  clientCredentials: ClientCredentials | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A Zoho OAuth client's id and secret (a Self Client's, for imported tokens). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** What the connect flow stores; the rest (id, status, version, timestamps) the store sets. */
export type NewConnection = Omit<
  ZohoConnection,
  'id' | 'status' | 'version' | 'createdAt' | 'updatedAt' | 'email' | 'crmOrgId' | 'deskOrgId' | 'clientCredentials'
> & {
  email?: string;
  crmOrgId?: string | null;
  deskOrgId?: string | null;
  clientCredentials?: ClientCredentials | null;
};

type ConnectionIdentity = Pick<ZohoConnection, 'appUserId' | 'zohoUserId' | 'zohoOrgId'>;

const splitScopes = (scopes: string | null) => (scopes ? scopes.split(',') : []);

/** Binds a ciphertext to its row's natural key (app user, Zoho user, org) and its column. */
function aadFor(owner: ConnectionIdentity, column: string): string {
  return JSON.stringify(['zoho_connections', owner.appUserId, owner.zohoUserId, owner.zohoOrgId, column]);
}

/** Storage of Zoho connections: the only code that reads or writes `zoho_connections`. */
export class ConnectionStore {
  private readonly currentForUser;
  private readonly currentGrantForUser;
  /** A row's tokens, opened once per sealed value: three per connection, for about 340 connections. */
  private readonly unseal: (sealed: string, context: string) => string;

  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
  ) {
    this.unseal = rememberOpened((sealed, context) => cipher.decrypt(sealed, context), 1024);
    // The newest active connection, else the newest: the one a user's tool calls use.
    const ofUser = eq(zohoConnections.appUserId, sql.placeholder('appUserId'));
    const activeFirst = [sql`${zohoConnections.status} = 'active' desc`, desc(zohoConnections.updatedAt)];
    this.currentForUser = db.select().from(zohoConnections).where(ofUser).orderBy(...activeFirst).limit(1)
      .prepare('zoho_connection_current_for_user');
    this.currentGrantForUser = db.select({ status: zohoConnections.status, scopes: zohoConnections.scopes }).from(zohoConnections)
      .where(ofUser).orderBy(...activeFirst).limit(1)
      .prepare('zoho_connection_current_grant_for_user');
  }

  /**
   * Inserts the connection, or updates the row of the same app user, Zoho user and org.
   * Returns the refresh token it replaced (the caller revokes it) when there was one.
   */
  async upsert(input: NewConnection): Promise<{ connection: ZohoConnection; replacedRefreshToken?: string }> {
    const [existing] = await this.db
      .select()
      .from(zohoConnections)
      .where(and(
        eq(zohoConnections.appUserId, input.appUserId),
        eq(zohoConnections.zohoUserId, input.zohoUserId),
        eq(zohoConnections.zohoOrgId, input.zohoOrgId),
      ))
      .limit(1);
    const id = existing?.id ?? randomUUID();
    const values = {
      email: input.email ?? null,
      dc: input.dc,
      accountsServer: input.accountsServer,
      apiDomain: input.apiDomain,
      accessTokenEnc: this.seal(input, 'access_token', input.accessToken),
      refreshTokenEnc: this.seal(input, 'refresh_token', input.refreshToken),
      // Whoever signs in last owns the token: a sign-in through the deployment's client clears a Self Client.
      clientCredentialsEnc: input.clientCredentials ? this.seal(input, 'client_credentials', JSON.stringify(input.clientCredentials)) : null,
      tokenExpiresAt: input.tokenExpiresAt,
      scopes: input.scopes.join(','),
      crmOrgId: input.crmOrgId ?? existing?.crmOrgId ?? null,
      // Signing in again may change which Desk org the token serves: discover it again on first use.
      deskOrgId: input.deskOrgId ?? null,
      status: 'active' as const,
      refreshLeaseUntil: null,
      updatedAt: new Date(),
    };
    const [row] = await this.db
      .insert(zohoConnections)
      .values({ id, appUserId: input.appUserId, zohoUserId: input.zohoUserId, zohoOrgId: input.zohoOrgId, ...values })
      .onConflictDoUpdate({
        target: [zohoConnections.appUserId, zohoConnections.zohoUserId, zohoConnections.zohoOrgId],
        set: { ...values, version: sql`${zohoConnections.version} + 1` },
      })
      .returning();
    const connection = this.open(row!);
    const replaced = existing && existing.id === connection.id ? this.tryOpenRefreshToken(existing) : undefined;
    return { connection, replacedRefreshToken: replaced !== input.refreshToken ? replaced : undefined };
  }

  /** The user's connections, newest first. */
  async listForUser(appUserId: string): Promise<ZohoConnection[]> {
    const rows = await this.db
      .select()
      .from(zohoConnections)
      .where(eq(zohoConnections.appUserId, appUserId))
      .orderBy(desc(zohoConnections.updatedAt));
    return rows.map((r) => this.open(r));
  }

  /** The connection the user's tool calls use: the newest active one, else the newest (one prepared query, on every call). */
  async findCurrentForUser(appUserId: string): Promise<ZohoConnection | undefined> {
    const [row] = await this.currentForUser.execute({ appUserId });
    return row ? this.open(row) : undefined;
  }

  /**
   * What the current connection grants (its status and scopes), without reading or decrypting its
   * tokens: what a chat's start needs to choose the tools it offers.
   */
  async findCurrentGrantForUser(appUserId: string): Promise<Pick<ZohoConnection, 'status' | 'scopes'> | undefined> {
    const [row] = await this.currentGrantForUser.execute({ appUserId });
    return row ? { status: row.status as ZohoConnection['status'], scopes: splitScopes(row.scopes) } : undefined;
  }

  /** One connection, only if it belongs to the user. */
  findForUser(appUserId: string, id: string): Promise<ZohoConnection | undefined> {
    return this.findOne(and(eq(zohoConnections.id, id), eq(zohoConnections.appUserId, appUserId)));
  }

  findById(id: string): Promise<ZohoConnection | undefined> {
    return this.findOne(eq(zohoConnections.id, id));
  }

  /**
   * Takes the refresh lease (the cross-instance refresh lock) when nobody holds it and the
   * token still needs refreshing: expiring before `expiresBefore`, or still at `staleVersion`
   * (a forced refresh after Zoho rejected that token). Returns the row when taken.
   */
  async tryTakeRefreshLease(
    id: string,
    nowMs: number,
    leaseMs: number,
    need: { expiresBefore: number } | { staleVersion: number },
  ): Promise<ZohoConnection | undefined> {
    const stillNeeded =
      'staleVersion' in need
        ? eq(zohoConnections.version, need.staleVersion)
        : lt(zohoConnections.tokenExpiresAt, need.expiresBefore);
    const [row] = await this.db
      .update(zohoConnections)
      .set({ refreshLeaseUntil: nowMs + leaseMs })
      .where(
        and(
          eq(zohoConnections.id, id),
          eq(zohoConnections.status, 'active'),
          or(isNull(zohoConnections.refreshLeaseUntil), lt(zohoConnections.refreshLeaseUntil, nowMs)),
          stillNeeded,
        ),
      )
      .returning();
    return row ? this.open(row) : undefined;
  }

  /** Writes a refreshed access token (compare-and-set on the version the lease holder read). */
  async saveRefreshedToken(
    current: ZohoConnection,
    update: { accessToken: string; tokenExpiresAt: number; apiDomain: string },
  ): Promise<ZohoConnection | undefined> {
    const [row] = await this.db
      .update(zohoConnections)
      .set({
        accessTokenEnc: this.seal(current, 'access_token', update.accessToken),
        tokenExpiresAt: update.tokenExpiresAt,
        apiDomain: update.apiDomain,
        refreshLeaseUntil: null,
        version: sql`${zohoConnections.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(zohoConnections.id, current.id), eq(zohoConnections.version, current.version)))
      .returning();
    return row ? this.open(row) : undefined;
  }

  async releaseRefreshLease(id: string): Promise<void> {
    await this.db.update(zohoConnections).set({ refreshLeaseUntil: null }).where(eq(zohoConnections.id, id));
  }

  async markNeedsReconnect(id: string): Promise<void> {
    await this.db
      .update(zohoConnections)
      .set({ status: 'needs_reconnect', refreshLeaseUntil: null, updatedAt: new Date() })
      .where(eq(zohoConnections.id, id));
  }

  async setOrgIds(id: string, orgIds: { crmOrgId?: string; deskOrgId?: string }): Promise<void> {
    await this.db.update(zohoConnections).set({ ...orgIds, updatedAt: new Date() }).where(eq(zohoConnections.id, id));
  }

  /** Deletes the user's connection; false when it is not theirs or does not exist. */
  async deleteForUser(appUserId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(zohoConnections)
      .where(and(eq(zohoConnections.id, id), eq(zohoConnections.appUserId, appUserId)))
      .returning({ id: zohoConnections.id });
    return rows.length > 0;
  }

  private async findOne(where: ReturnType<typeof and>): Promise<ZohoConnection | undefined> {
    const [row] = await this.db.select().from(zohoConnections).where(where).limit(1);
    return row ? this.open(row) : undefined;
  }

  /**
   * The old refresh token of a row being replaced, to revoke it; undefined when it no longer
   * decrypts (the key changed), so signing in again still repairs the connection.
   */
  private tryOpenRefreshToken(row: ZohoConnectionRow): string | undefined {
    try {
      return this.cipher.decrypt(row.refreshTokenEnc, aadFor(row, 'refresh_token'));
    } catch {
      return undefined;
    }
  }

  private seal(owner: ConnectionIdentity, column: string, value: string): string {
    return this.cipher.encrypt(value, aadFor(owner, column));
  }

  private open(row: ZohoConnectionRow): ZohoConnection {
    const unseal = (column: string, value: string) => this.unseal(value, aadFor(row, column));
    return {
      id: row.id,
      appUserId: row.appUserId,
      zohoUserId: row.zohoUserId,
      zohoOrgId: row.zohoOrgId,
      email: row.email,
      dc: row.dc,
      accountsServer: row.accountsServer,
      apiDomain: row.apiDomain,
      accessToken: unseal('access_token', row.accessTokenEnc),
      refreshToken: unseal('refresh_token', row.refreshTokenEnc),
      tokenExpiresAt: row.tokenExpiresAt,
      scopes: splitScopes(row.scopes),
      crmOrgId: row.crmOrgId,
      deskOrgId: row.deskOrgId,
      status: row.status,
      clientCredentials: row.clientCredentialsEnc ? (JSON.parse(unseal('client_credentials', row.clientCredentialsEnc)) as ClientCredentials) : null,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
