import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../../errors.ts';
import { DATA_CENTRE_CODES } from '../../zoho/data-centres.ts';

// The answers the routes give, as the OpenAPI document describes them. test/http/openapi.test.ts
// parses real answers with these, so a route that changes its answer fails there, not in a client.

const codes = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** `{code, message, details?}`: the one error body (errors.ts). */
export const errorBodySchema = z.object({
  code: z.enum(codes),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Every failed request but a tool run: `{"error": {…}}`. */
export const errorAnswerSchema = z.object({ error: errorBodySchema });

export const healthAnswerSchema = z.object({ status: z.literal('ok') });

export const authorizeAnswerSchema = z.object({ authorizeUrl: z.url() });

/** A connection as a caller may see it: never a token. */
export const connectionSchema = z.object({
  id: z.string(),
  dc: z.enum(DATA_CENTRE_CODES),
  email: z.string().nullable(),
  zohoUserId: z.string(),
  crmOrgId: z.string().nullable(),
  deskOrgId: z.string().nullable(),
  status: z.enum(['active', 'needs_reconnect']),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const connectionsAnswerSchema = z.object({ connections: z.array(connectionSchema) });

export const importAnswerSchema = connectionSchema.extend({
  missingScopes: z.array(z.string()),
  scopeSource: z.enum(['token', 'probe']),
});

export const callbackAnswerSchema = z.union([
  z.object({ ok: z.literal(true), connection: connectionSchema }),
  z.object({ ok: z.literal(false), error: errorBodySchema }),
]);

export const toolsAnswerSchema = z.object({
  tools: z.array(z.object({
    name: z.string(),
    app: z.enum(['crm', 'desk', 'browser']),
    description: z.string(),
    effect: z.enum(['read', 'write', 'destroy']),
    inputSchema: z.record(z.string(), z.unknown()),
  })),
  unavailable: z.array(z.object({ name: z.string(), app: z.string(), reason: z.string() })),
});

export const toolRunOkSchema = z.object({ ok: z.literal(true), result: z.unknown(), attempts: z.number().int() });

export const toolRunFailedSchema = z.object({ ok: z.literal(false), error: errorBodySchema, attempts: z.number().int().optional() });

const conversationSummary = z.object({ id: z.string(), title: z.string(), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() });

export const conversationsAnswerSchema = z.object({ conversations: z.array(conversationSummary) });

/** A tool part's fields are src/agent/conversation-view.ts's `ToolPartView`. */
export const conversationAnswerSchema = conversationSummary.extend({
  messages: z.array(z.union([
    z.object({ role: z.literal('user'), text: z.string(), createdAt: z.iso.datetime() }),
    z.object({ role: z.literal('assistant'), parts: z.array(z.looseObject({ type: z.enum(['text', 'tool']) })), createdAt: z.iso.datetime() }),
  ])),
});

export const browserLoginAnswerSchema = z.object({ loginId: z.string(), viewUrl: z.string(), expiresAt: z.iso.datetime() });

export const browserLoginStatusSchema = z.object({ status: z.enum(['waiting', 'done', 'expired', 'failed']), message: z.string().optional() });

export const browserSessionSchema = z.object({
  status: z.enum(['active', 'expired', 'none']),
  dc: z.enum(DATA_CENTRE_CODES).optional(),
  expiresAt: z.iso.datetime().optional(),
});

export const devLoginAnswerSchema = z.object({ token: z.string() });

/** RFC 9728 (src/mcp/resource-metadata.ts). */
export const resourceMetadataSchema = z.object({
  resource: z.url(),
  authorization_servers: z.array(z.string()).optional(),
  bearer_methods_supported: z.array(z.literal('header')),
  resource_name: z.string(),
});
