import { sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, storableJsonb as jsonb, storableText } from './storable-columns.ts';

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
    /**
     * A Zoho Self Client's `{clientId, clientSecret}` when the refresh token was minted by one
     * (`POST /api/connections/zoho/import`), sealed like the tokens; null for the deployment's client.
     */
    clientCredentialsEnc: text('client_credentials_enc'),
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
    /** The runtime's call id (what clients and approvals see) and, in a chat, its run (`chat_runs.run_id`). */
    callId: text('call_id'),
    runId: text('run_id'),
    /** The audit line of a browser call: the URL it opened (never cookies or page content). */
    url: text('url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('tool_calls_user_time').on(t.appUserId, t.createdAt)],
);


/**
 * A chat run paused for approval: everything needed to resume it on any instance. One row per
 * run; its tool calls are in `pending_tool_calls`.
 */
export const pendingRuns = pgTable(
  'pending_runs',
  {
    id: text('id').primaryKey(),
    appUserId: text('app_user_id').notNull(),
    model: text('model').notNull(),
    /** The conversation so far (without the system prompt), ending with the assistant's tool calls. */
    messages: jsonb('messages').notNull(),
    steps: integer('steps').notNull(),
    /** The client's conversation, when it gave one: a new message there cancels this run. */
    conversationId: text('conversation_id'),
    /** How many of `messages` the conversation's stored transcript already holds. */
    persisted: integer('persisted').notNull().default(0),
    status: text('status', { enum: ['paused', 'resumed'] }).notNull().default('paused'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('pending_runs_conversation').on(t.appUserId, t.conversationId)],
);

/** Each tool call of a paused turn: reads already run, writes waiting for a single-use decision. */
export const pendingToolCalls = pgTable(
  'pending_tool_calls',
  {
    callId: text('call_id').primaryKey(),
    runId: text('run_id').notNull(),
    appUserId: text('app_user_id').notNull(),
    position: integer('position').notNull(),
    tool: text('tool').notNull(),
    /** The id of this call in the model's transcript (the model's own), which its `tool` message answers. */
    toolCallId: text('tool_call_id'),
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

/**
 * A user's conversation, named by the client (`conversationId`, the AI SDK chat id): the model's
 * transcript lives in `conversation_messages`, so later turns keep every tool call and result.
 */
export const conversations = pgTable(
  'conversations',
  {
    appUserId: text('app_user_id').notNull(),
    id: text('id').notNull(),
    /** Messages appended so far: each append takes the next positions atomically. */
    messageCount: integer('message_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.appUserId, t.id] }), index('conversations_user_time').on(t.appUserId, t.updatedAt)],
);

/** One message of a conversation's transcript (the model's own, without the system prompt), append-only. */
export const conversationMessages = pgTable(
  'conversation_messages',
  {
    appUserId: text('app_user_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    position: integer('position').notNull(),
    message: jsonb('message').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.appUserId, t.conversationId, t.position] })],
);

/** One stream of a chat run (its start, or its resumption after an approval): steps, how it ended, tokens spent. */
export const chatRuns = pgTable(
  'chat_runs',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull(),
    appUserId: text('app_user_id').notNull(),
    conversationId: text('conversation_id'),
    model: text('model').notNull(),
    steps: integer('steps').notNull(),
    finishReason: text('finish_reason').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    reasoningTokens: integer('reasoning_tokens').notNull(),
    cachedTokens: integer('cached_tokens').notNull(),
    /** OpenRouter's cost in credits, as its `usage.cost` says. */
    cost: doublePrecision('cost').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('chat_runs_user_time').on(t.appUserId, t.createdAt), index('chat_runs_run').on(t.runId)],
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

/** Chat runs in progress, to cap concurrent runs per user across instances. Unlogged (migration 0006: drizzle does not declare it). */
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

/**
 * A user's Zoho web session for browser tools: Playwright storage state (cookies and local storage
 * of the Zoho web hosts only), AES-256-GCM sealed with its user and data centre as AAD. One row per
 * user and DC, so every instance uses the same session.
 */
export const browserSessions = pgTable(
  'browser_sessions',
  {
    id: text('id').primaryKey(),
    appUserId: text('app_user_id').notNull(),
    dc: text('dc').notNull(),
    stateEnc: text('state_enc').notNull(),
    /** `expired` once a navigation landed on Zoho's sign-in: not refreshed, the user signs in again. */
    status: text('status', { enum: ['active', 'expired'] }).notNull().default('active'),
    /** The latest expiry among its cookies, when any has one. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Bumped on every write, so an instance holding an older copy in a browser context reloads it. */
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('browser_sessions_user_dc').on(t.appUserId, t.dc)],
);

/** A login handover: its outcome is here so any instance answers `GET /api/browser/login/:id`. */
export const browserLogins = pgTable(
  'browser_logins',
  {
    id: text('id').primaryKey(),
    appUserId: text('app_user_id').notNull(),
    dc: text('dc').notNull(),
    status: text('status', { enum: ['waiting', 'done', 'expired', 'failed'] }).notNull().default('waiting'),
    message: text('message'),
    /** SHA-256 of the live view's bearer token (the token itself is only in the viewUrl fragment). */
    viewTokenHash: text('view_token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('browser_logins_user').on(t.appUserId)],
);

/** Screenshots browser tools took, served to their owner only until they expire. */
export const browserScreenshots = pgTable(
  'browser_screenshots',
  {
    id: text('id').primaryKey(),
    appUserId: text('app_user_id').notNull(),
    mime: text('mime', { enum: ['image/jpeg', 'image/png'] }).notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: bytea('bytes').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('browser_screenshots_expiry').on(t.expiresAt)],
);

/**
 * One SSE stream of a chat run (a start, or an approval's resumption), kept so that a client can
 * resume it with `Last-Event-ID` on any instance (src/stream/run-event-log.ts). The owning instance
 * pushes `alive_until` forward while the run goes on; `cancel_requested` is how another instance's
 * `POST /api/chat/runs/:runId/cancel` reaches it.
 */
export const chatStreams = pgTable(
  'chat_streams',
  {
    runId: text('run_id').primaryKey(),
    appUserId: text('app_user_id').notNull(),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    /** Unix ms: past it, with no final event stored, the owning instance is gone. */
    aliveUntil: bigint('alive_until', { mode: 'number' }).notNull(),
    /** Unix ms after which the stream and its events are pruned and no longer resumable. */
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('chat_streams_expires').on(t.expiresAt)],
);

/**
 * The events of a kept stream. A row holds one event, or a run of consecutive text deltas coalesced
 * for storage (`data` is then `{"deltas": [...]}` and the row covers `seq`..`last_seq`), so a replay
 * gives back each delta with its own id. `data` is the JSON text as sent, byte for byte (text, not
 * jsonb: jsonb would change a NUL or a lone surrogate in model text).
 */
export const chatStreamEvents = pgTable(
  'chat_stream_events',
  {
    runId: text('run_id').notNull(),
    seq: integer('seq').notNull(),
    lastSeq: integer('last_seq').notNull(),
    type: text('type').notNull(),
    data: text('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);

/** Every table, for drizzle's client (src/db/database.ts). */
export const schema = {
  zohoConnections, oauthStates, toolCalls, pendingRuns, pendingToolCalls, rateLimitHits, activeRuns, conversations, conversationMessages, chatRuns,
  browserSessions, browserLogins, browserScreenshots, chatStreams, chatStreamEvents,
};
export type ZohoConnectionRow = typeof zohoConnections.$inferSelect;
