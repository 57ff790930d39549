import { z } from 'zod';

const errorBody = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

/** Every SSE event of DESIGN.md: one union shared by the server's writer and the client's reader. */
export const runEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), data: z.object({ message: z.string(), tool: z.string(), callId: z.string() }) }),
  z.object({ type: z.literal('text'), data: z.object({ delta: z.string() }) }),
  z.object({
    type: z.literal('tool_call'),
    // summary: the tool's own sentence for the call ("Search Leads for ada@example.com."), where it has one.
    data: z.object({ callId: z.string(), tool: z.string(), params: z.unknown(), summary: z.string().optional() }),
  }),
  z.object({
    type: z.literal('repair'),
    data: z.object({ callId: z.string(), tool: z.string(), attempt: z.number(), reason: z.string(), error: z.string(), params: z.unknown() }),
  }),
  z.object({
    type: z.literal('tool_result'),
    data: z.object({
      callId: z.string(),
      tool: z.string(),
      ok: z.boolean(),
      result: z.unknown().optional(),
      error: errorBody.optional(),
      attempts: z.number(),
    }),
  }),
  z.object({
    type: z.literal('action_required'),
    data: z
      .object({
        code: z.string(),
        message: z.string(),
        url: z.string().optional(),
        method: z.string().optional(),
        // With code `approval_required`: the call waiting for a decision, exactly as it will run.
        callId: z.string().optional(),
        tool: z.string().optional(),
        params: z.unknown().optional(),
        paramsHash: z.string().optional(),
        runId: z.string().optional(),
        /** What the call does (`write`, `destroy`), and names the conversation gave for ids in its params. */
        effect: z.string().optional(),
        names: z.record(z.string(), z.string()).optional(),
      })
      .catchall(z.unknown()),
  }),
  z.object({ type: z.literal('error'), data: errorBody }),
  /**
   * An LLM step begins (the UI message stream's `start-step`). Internal: our own SSE writer skips it
   * (DESIGN.md's event table has no step), only the UI-stream encoder reads it.
   */
  z.object({ type: z.literal('step'), data: z.object({ step: z.number() }) }),
  z.object({
    type: z.literal('done'),
    data: z
      .object({
        /** stop | length | completed | max_steps | time_limit | approval_required | approval_recorded */
        finishReason: z.string(),
        steps: z.number(),
        /** Why a limit stopped the run, in words. */
        message: z.string().optional(),
        /** The paused run, when finishReason is approval_required. */
        runId: z.string().optional(),
      })
      .catchall(z.unknown()),
  }),
]);

export type RunEvent = z.infer<typeof runEventSchema>;
export type EmitEvent = (event: RunEvent) => void;
