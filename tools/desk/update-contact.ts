import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { emailAddress } from './desk-email.ts';

const changes = z
  .object({
    firstName: z.string().trim().min(1).max(40).describe('First name'),
    lastName: z.string().trim().min(1).max(80).describe('Last name (cannot be emptied)'),
    email: emailAddress('Primary email'),
    secondaryEmail: emailAddress('Secondary email'),
    phone: z.string().min(1).max(50).describe('Phone number'),
    mobile: z.string().min(1).max(50).describe('Mobile number'),
    title: z.string().min(1).max(100).describe('Job title'),
    description: z.string().min(1).max(32_000).describe('Notes about the contact'),
    accountId: zohoId('Account to link the contact to (desk_list_accounts)'),
  })
  .partial()
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'give at least one field to change' })
  .describe('Only the fields to change, at least one');

export const deskUpdateContact = defineTool({
  name: 'desk_update_contact',
  app: 'desk',
  effect: 'write',
  description: [
    'Change fields of a Zoho Desk contact (a customer): name, emails, phones, title, notes, account. Send only the',
    'fields to change inside changes. Example: {"contactId":"1892000000042001","changes":{"phone":"+1 555 0199"}}',
  ].join(' '),
  input: z.object({ contactId: zohoId('Contact id (desk_search_contacts)'), changes }).strict(),
  async run(p, { client, signal }) {
    const contact = await client.updateContact(p.contactId, p.changes, { signal });
    return { contact };
  },
  summarize: (p) =>
    `Update ${Object.entries(p.changes).map(([k, v]) => (k === 'description' ? k : `${k} to ${JSON.stringify(v)}`)).join(', ')} on Zoho Desk contact ${p.contactId}.`,
});
