import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskFrom, deskLimit } from './paging.ts';

export const deskListAgents = defineTool({
  name: 'desk_list_agents',
  app: 'desk',
  effect: 'read',
  description: [
    'List Zoho Desk agents (the support staff): id, name, email, status. Use it to find the assigneeId for',
    'desk_update_ticket. Example: {"limit":50}',
  ].join(' '),
  input: z
    .object({
      from: deskFrom,
      limit: deskLimit,
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listAgents({ from: p.from, limit: p.limit }, { signal });
    return { agents: body?.data ?? [] };
  },
  summarize: () => 'List Zoho Desk agents.',
});
