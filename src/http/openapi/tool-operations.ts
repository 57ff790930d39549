import type { ToolRegistry } from '../../tools/registry.ts';
import { toolRunFailedSchema, toolRunOkSchema } from './answers.ts';
import type { Operation } from './operation.ts';

/** One `POST /api/tools/<name>` per tool, its body `{"params": <the tool's published input schema>}`. */
export function toolOperations(registry: ToolRegistry): Operation[] {
  return registry.describe().map((tool) => ({
    method: 'post',
    path: `/api/tools/${tool.name}`,
    tag: 'tools',
    auth: 'jwt',
    summary: `${tool.name} (${tool.app}, ${tool.effect})`,
    description: `${tool.description}\n\nRuns at once as the caller's own decision; with \`Accept: text/event-stream\` the run streams as SSE events.`,
    bodyJsonSchema: {
      type: 'object',
      properties: { params: tool.inputSchema },
      required: ['params'],
      additionalProperties: false,
    },
    answers: {
      200: { description: 'The result', json: toolRunOkSchema },
      '4XX': { description: 'The call failed (invalid params, not connected, Zoho refused)', json: toolRunFailedSchema },
      '5XX': { description: 'Zoho or the runtime failed', json: toolRunFailedSchema },
    },
  }));
}
