import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * One row per app user and Zoho user-org: signing in again updates the row. Tokens are
 * AES-256-GCM ciphertexts (see src/crypto/token-cipher.ts), never plain text.
 */
export const zohoConnections = pgTable(
  'zoho_connections',
  {
    id: text('id').primaryKey(),
    appUserId: text('app_user_id').notNull(),
    zohoUserId: text('zoho_user_id').notNull(),
    zohoOrgId: text('zoho_org_id').notNull(),
    email: text('email'),
    dc: text('dc').notNull(),
    accountsServer: text('accounts_server').notNull(),
    apiDomain: text('api_domain').notNull(),
    accessTokenEnc: text('access_token_enc').notNull(),
    refreshTokenEnc: text('refresh_token_enc').notNull(),
    /** Unix seconds, as in the seed. */
    tokenExpiresAt: bigint('token_expires_at', { mode: 'number' }).notNull(),
    scopes: text('scopes').notNull(),
    crmOrgId: text('crm_org_id'),
    deskOrgId: text('desk_org_id'),
    status: text('status', { enum: ['active', 'needs_reconnect'] }).notNull().default('active'),
    /** Unix ms until which one instance holds the right to refresh (the cross-process refresh lock). */
    refreshLeaseUntil: bigint('refresh_lease_until', { mode: 'number' }),
    /** Bumped on every token write, so a stale writer's compare-and-set loses. */
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex('zoho_connections_user_zoho_org').on(t.appUserId, t.zohoUserId, t.zohoOrgId),
    index('zoho_connections_app_user').on(t.appUserId),
  ],
);

/** Single-use OAuth `state`: only its hash is stored; it binds the app user and expires in minutes. */
export const oauthStates = pgTable('oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  appUserId: text('app_user_id').notNull(),
  dc: text('dc').notNull(),
  codeVerifierEnc: text('code_verifier_enc').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
});

/** A record of every tool call: who, what, how it ended. Never tokens; params with secrets removed. */
export const toolCalls = pgTable(
  'tool_calls',
  {
    id: text('id').primaryKey(),
    appUserId: text('app_user_id').notNull(),
    tool: text('tool').notNull(),
    app: text('app').notNull(),
    outcome: text('outcome', { enum: ['ok', 'error'] }).notNull(),
    errorCode: text('error_code'),
    attempts: integer('attempts').notNull(),
    durationMs: integer('duration_ms').notNull(),
    params: jsonb('params'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('tool_calls_user_time').on(t.appUserId, t.createdAt)],
);

export const schema = { zohoConnections, oauthStates, toolCalls };
export type ZohoConnectionRow = typeof zohoConnections.$inferSelect;
