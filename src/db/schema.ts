import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { storableJsonb as jsonb, storableText } from './storable-columns.ts';

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


/**
 * A chat run paused for approval: everything needed to resume it on any instance. One row per
 * run; its tool calls are in `pending_tool_calls`.
 */
export const pendingRuns = pgTable('pending_runs', {
  id: text('id').primaryKey(),
  appUserId: text('app_user_id').notNull(),
  model: text('model').notNull(),
  /** The conversation so far (without the system prompt), ending with the assistant's tool calls. */
  messages: jsonb('messages').notNull(),
  steps: integer('steps').notNull(),
  status: text('status', { enum: ['paused', 'resumed'] }).notNull().default('paused'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
});

/** Each tool call of a paused turn: reads already run, writes waiting for a single-use decision. */
export const pendingToolCalls = pgTable(
  'pending_tool_calls',
  {
    callId: text('call_id').primaryKey(),
    runId: text('run_id').notNull(),
    appUserId: text('app_user_id').notNull(),
    position: integer('position').notNull(),
    tool: text('tool').notNull(),
    params: jsonb('params'),
    paramsHash: text('params_hash').notNull(),
    summary: storableText('summary').notNull(),
    /** `auto` for a read run at once; `approve` / `deny` once the user decided. */
    decision: text('decision', { enum: ['auto', 'approve', 'deny'] }),
    /** The `tool` message handed to the model once the call is settled. */
    resultContent: storableText('result_content'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [index('pending_tool_calls_run').on(t.runId)],
);

/** Fixed-window request counters per user and route, shared by every instance. */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    key: text('key').notNull(),
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [uniqueIndex('rate_limit_hits_key_window').on(t.key, t.windowStart)],
);

/** Chat runs in progress, to cap concurrent runs per user across instances. */
export const activeRuns = pgTable(
  'active_runs',
  {
    id: text('id').primaryKey(),
    appUserId: text('app_user_id').notNull(),
    /** Unix ms after which a row left by a crashed instance no longer counts. */
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('active_runs_user').on(t.appUserId)],
);

export const schema = { zohoConnections, oauthStates, toolCalls, pendingRuns, pendingToolCalls, rateLimitHits, activeRuns };
export type ZohoConnectionRow = typeof zohoConnections.$inferSelect;
