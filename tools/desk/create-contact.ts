import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskCreateContact = defineTool({
  name: 'desk_create_contact',
  app: 'desk',
  effect: 'write',
  description: [
    'Create a Zoho Desk contact (a customer). Link it to an account with accountId',
    '(desk_list_accounts). Search first with desk_search_contacts to avoid duplicates.',
    'Example: {"lastName":"Carol","firstName":"Lucas","email":"carol@zylker.com"}',
  ].join(' '),
  input: z
    .object({
      lastName: z.string().min(1).max(80).describe('Last name (required)'),
      firstName: z.string().min(1).max(80).optional().describe('First name'),
      email: z.email().optional().describe('Email address'),
      phone: z.string().min(1).max(50).optional().describe('Phone number'),
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
