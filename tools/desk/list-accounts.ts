import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskFrom, deskLimit } from './paging.ts';

export const deskListAccounts = defineTool({
  name: 'desk_list_accounts',
  app: 'desk',
  effect: 'read',
  description: [
    'List Zoho Desk accounts (customer companies): id, name, website, phone. Example: {"limit":50}',
  ].join(' '),
  input: z
    .object({
      from: deskFrom,
      limit: deskLimit,
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listAccounts({ from: p.from, limit: p.limit }, { signal });
    return { accounts: body?.data ?? [] };
  },
  summarize: () => 'List Zoho Desk accounts.',
});
