import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskPriority } from './ticket-values.ts';
import { zohoId } from '../zoho-id.ts';

export const deskCreateTicket = defineTool({
  name: 'desk_create_ticket',
  app: 'desk',
  effect: 'write',
  description: [
    'Create a Zoho Desk ticket in one department for a contact. Give contactId (desk_search_contacts) or the',
    'customer\'s email: with only an email, Desk reuses the contact with that email or creates one.',
    'departmentId comes from desk_list_departments.',
    'Example: {"subject":"Printer down","departmentId":"1892000000006907","email":"carol@zylker.com","priority":"High"}',
  ].join(' '),
  input: z
    .object({
      subject: z.string().min(1).max(255).describe('Ticket subject'),
      departmentId: zohoId('Department id (desk_list_departments)'),
      contactId: zohoId('Contact id (desk_search_contacts)').optional(),
      email: z.email().optional().describe('Customer email; used to find or create the contact when contactId is not given'),
      description: z.string().min(1).max(65_000).optional().describe('The problem in the customer\'s words, plain text or HTML'),
      priority: deskPriority.optional(),
    })
    .strict()
    .refine((p) => p.contactId !== undefined || p.email !== undefined, {
      message: 'give contactId or email: Desk needs the ticket\'s contact',
      path: ['contactId'],
    }),
  async run(p, { client, signal }) {
    const ticket = await client.createTicket(
      {
        subject: p.subject,
        departmentId: p.departmentId,
        // Desk needs contactId or a contact object; a contact with only an email is matched or created.
        ...(p.contactId ? { contactId: p.contactId } : { contact: { email: p.email } }),
        ...(p.email ? { email: p.email } : {}),
        ...(p.description ? { description: p.description } : {}),
        ...(p.priority ? { priority: p.priority } : {}),
      },
      { signal },
    );
    return { ticket };
  },
  summarize: (p) => `Create a Zoho Desk ticket "${p.subject}" in department ${p.departmentId}.`,
});
