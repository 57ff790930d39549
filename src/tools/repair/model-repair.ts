import type OpenAI from 'openai';

export interface ModelRepairRequest {
  toolName: string;
  description: string;
  inputSchema: Record<string, unknown>;
  params: unknown;
  /** What failed, as `- field: message` lines or Zoho's code, message and details. */
  error: string;
  signal?: AbortSignal;
}

/** Asks a model for corrected params; undefined when it gives nothing usable. */
export type ModelRepair = (request: ModelRepairRequest) => Promise<Record<string, unknown> | undefined>;

/**
 * One chat completion whose `tools` hold only the failing tool and whose `tool_choice` forces it;
 * the forced call's arguments are the repaired params (DESIGN.md, executeToolWithRepair step 3).
 */
export function createModelRepair(client: OpenAI, model: string): ModelRepair {
  return async (request) => {
    const completion = await client.chat.completions.create(
      {
        model,
        temperature: 0,
        tools: [{ type: 'function', function: { name: request.toolName, description: request.description, parameters: request.inputSchema } }],
        tool_choice: { type: 'function', function: { name: request.toolName } },
        messages: [
          {
            role: 'system',
            content:
              'You correct the parameters of a failed Zoho tool call. Call the tool once with corrected parameters. ' +
              'Keep every value the user gave unless the error says it is wrong; never invent ids or data.',
          },
          {
            role: 'user',
            content: `The call to ${request.toolName} failed.\n\nParameters sent:\n${JSON.stringify(request.params)}\n\nError:\n${request.error}`,
          },
        ],
      },
      { signal: request.signal },
    );
    const call = completion.choices[0]?.message?.tool_calls?.find((c) => c.type === 'function' && c.function.name === request.toolName);
    if (!call || call.type !== 'function') return undefined;
    try {
      const args = JSON.parse(call.function.arguments || '{}');
      return typeof args === 'object' && args !== null && !Array.isArray(args) ? args : undefined;
    } catch {
      return undefined;
    }
  };
}
