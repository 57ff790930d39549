import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

export const deskListAccounts = defineTool({
  name: 'desk_list_accounts',
  app: 'desk',
  effect: 'read',
  description: [
    'List Zoho Desk accounts (customer companies): id, name, website, phone. Page with from (0-based) and',
    'limit (at most 100); a page shorter than limit is the last. Example: {"limit":50}',
  ].join(' '),
  input: z
    .object({
      from: z.number().int().min(0).optional().describe('0-based offset'),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listAccounts({ from: p.from, limit: p.limit }, { signal });
    return { accounts: body?.data ?? [] };
  },
});
