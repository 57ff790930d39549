import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskGetContact = defineTool({
  name: 'desk_get_contact',
  app: 'desk',
  effect: 'read',
  description: [
    'Fetch one Zoho Desk contact (a customer) by id: name, email, phone, account.',
    'Returns {contact} or {found:false}. Example: {"contactId":"1892000000042032"}',
  ].join(' '),
  input: z.object({ contactId: zohoId('Contact id') }).strict(),
  async run(p, { client, signal }) {
    const contact = await client.getContact(p.contactId, { signal });
    return contact ? { contact } : { found: false, contactId: p.contactId };
  },
  summarize: (p) => `Read the Zoho Desk contact ${p.contactId}.`,
});
