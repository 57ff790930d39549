import { z } from 'zod';

/** The same id rules as our own body's `conversationId`: the AI SDK chat `id` is the conversation id. */
export const conversationIdSchema = z.string().regex(/^[\w-]{1,100}$/, 'letters, digits, _ and -, at most 100, e.g. a UUID');
export const modelIdSchema = z.string().regex(/^[\w.\-/:]+$/, 'a model id such as openai/gpt-4.1-mini').max(100);

const TOOL_STATES = ['input-streaming', 'input-available', 'approval-requested', 'approval-responded', 'output-available', 'output-error', 'output-denied'] as const;

const approvalSchema = z.object({ id: z.string().min(1).max(200), approved: z.boolean().optional(), reason: z.string().max(2000).optional() }).loose();

const toolFields = {
  toolCallId: z.string().min(1).max(200),
  state: z.enum(TOOL_STATES),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  errorText: z.string().max(32_000).optional(),
  approval: approvalSchema.optional(),
};

/** Parts we read; every other part type (step-start, data-*, file, source-*) passes as `{type}`. */
const partSchemas = {
  text: z.object({ type: z.literal('text'), text: z.string().max(32_000) }).loose(),
  reasoning: z.object({ type: z.literal('reasoning'), text: z.string().max(100_000) }).loose(),
  'dynamic-tool': z.object({ type: z.literal('dynamic-tool'), toolName: z.string().regex(/^[\w-]{1,64}$/, 'a tool name'), ...toolFields }).loose(),
  tool: z.object({ type: z.string().regex(/^tool-[\w-]{1,64}$/, 'tool-<a tool name>'), ...toolFields }).loose(),
};

const schemaOf = (type: string) =>
  type === 'text' || type === 'reasoning' || type === 'dynamic-tool' ? partSchemas[type] : type.startsWith('tool-') ? partSchemas.tool : undefined;

/** A part is checked by the schema its `type` names, so a bad field is named by its own path (messages.1.parts.2.toolCallId). */
const partSchema = z.object({ type: z.string().min(1).max(100) }).loose().superRefine((part, ctx) => {
  const parsed = schemaOf(part.type)?.safeParse(part);
  if (parsed && !parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
});

const uiMessageSchema = z
  .object({
    id: z.string().min(1).max(200),
    // Its own turns only (and the assistant's it was sent): the system prompt is the server's.
    role: z.enum(['user', 'assistant']),
    parts: z.array(partSchema).max(500),
    metadata: z.unknown().optional(),
  })
  .loose()
  .refine((m) => m.role !== 'user' || m.parts.some((p) => p.type === 'text' && typeof p.text === 'string' && p.text.trim()), {
    message: 'a user message needs a text part', path: ['parts'],
  });

/**
 * The AI SDK's `DefaultChatTransport` body. Loose at the top: `useChat` apps merge their own fields
 * into it (the transport's `body` option); of those only `model` is read.
 */
export const uiChatBodySchema = z
  .object({
    id: conversationIdSchema,
    messages: z
      .array(uiMessageSchema)
      .min(1)
      .max(200)
      .refine((m) => m.at(-1)?.role === 'user' || m.at(-1)?.parts.some((p) => p.state === 'approval-responded'), {
        message: 'the last message must be the user\'s, or the assistant\'s answering an approval request (addToolApprovalResponse)',
      }),
    trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
    messageId: z.string().max(200).optional(),
    model: modelIdSchema.optional(),
  })
  .loose();

export type UiChatBody = z.infer<typeof uiChatBodySchema>;
export type UiMessage = UiChatBody['messages'][number];

/** The fields of a tool part (`tool-<name>` or `dynamic-tool`) once it passed its schema. */
export type UiToolPart = {
  type: string;
  toolName?: string;
  toolCallId: string;
  state: (typeof TOOL_STATES)[number];
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approval?: { id: string; approved?: boolean; reason?: string };
};
export type UiPart = UiMessage['parts'][number];

export const isToolPart = (part: UiPart): part is UiPart & UiToolPart => part.type === 'dynamic-tool' || part.type.startsWith('tool-');
export const toolNameOf = (part: UiToolPart) => (part.type === 'dynamic-tool' ? part.toolName! : part.type.slice('tool-'.length));

/** A body in the AI SDK's shape: its messages carry `parts` (ours carry `content`). */
export const isUiChatBody = (raw: unknown): boolean =>
  !!raw && typeof raw === 'object' && Array.isArray((raw as { messages?: unknown }).messages)
  && (raw as { messages: unknown[] }).messages.some((m) => !!m && typeof m === 'object' && 'parts' in m);
