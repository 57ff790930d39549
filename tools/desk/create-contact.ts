import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskCreateContact = defineTool({
  name: 'desk_create_contact',
  app: 'desk',
  effect: 'write',
  description: [
    'Create a Zoho Desk contact (a customer). lastName is required; link it to an account with accountId',
    '(desk_list_accounts). Search first with desk_search_contacts to avoid duplicates.',
    'Example: {"lastName":"Carol","firstName":"Lucas","email":"carol@zylker.com"}',
  ].join(' '),
  input: z
    .object({
      lastName: z.string().min(1).max(80),
      firstName: z.string().min(1).max(80).optional(),
      email: z.email().optional(),
      phone: z.string().min(1).max(50).optional(),
      accountId: zohoId('Account id (desk_list_accounts)').optional(),
    })
    .strict(),
  async run(p, { client, signal }) {
    const contact = await client.createContact({ ...p }, { signal });
    return { contact };
  },
  summarize: (p) =>
    `Create a Zoho Desk contact ${[p.firstName, p.lastName].filter(Boolean).join(' ')}${p.email ? ` <${p.email}>` : ''}.`,
});
