import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

const SORT = ['firstName', 'lastName', 'email', 'createdTime', 'modifiedTime'] as const;

export const deskListContacts = defineTool({
  name: 'desk_list_contacts',
  app: 'desk',
  effect: 'read',
  description: [
    'List Zoho Desk contacts (customers), newest first unless sortBy says otherwise. To find one by email or name use',
    'desk_search_contacts. Page with from (0-based) and limit (at most 99); a page shorter than limit is the last.',
    'Example: {"sortBy":"-modifiedTime","limit":20}',
  ].join(' '),
  input: z
    .object({
      sortBy: z.enum([...SORT, ...SORT.map((s) => `-${s}` as const)]).optional().describe('Field to sort by; a leading - sorts descending'),
      from: z.number().int().min(0).optional().describe('0-based offset of the first contact'),
      limit: z.number().int().min(1).max(99).optional().describe('Contacts to return, at most 99'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body: any = await client.listContacts({ sortBy: p.sortBy ?? '-createdTime', from: p.from, limit: p.limit }, { signal });
    return { contacts: body?.data ?? [] };
  },
  summarize: () => 'List Zoho Desk contacts.',
});
