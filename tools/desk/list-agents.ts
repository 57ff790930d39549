import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

export const deskListAgents = defineTool({
  name: 'desk_list_agents',
  app: 'desk',
  effect: 'read',
  description: [
    'List Zoho Desk agents (the support staff): id, name, email, status. Use it to find the assigneeId for',
    'desk_update_ticket. Page with from (0-based) and limit (at most 100). Example: {"limit":50}',
  ].join(' '),
  input: z
    .object({
      from: z.number().int().min(0).optional().describe('0-based offset'),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listAgents({ from: p.from, limit: p.limit }, { signal });
    return { agents: body?.data ?? [] };
  },
});
