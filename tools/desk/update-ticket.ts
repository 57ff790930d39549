import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskPriority, deskStatus } from './ticket-values.ts';
import { zohoId } from '../zoho-id.ts';

const changes = z
  .object({
    subject: z.string().min(1).max(255).describe('New subject'),
    description: z.string().min(1).max(65_000).describe('New description, plain text or HTML'),
    status: deskStatus.describe('New status: Closed closes the ticket, Open reopens it; Desk\'s defaults are Open, On Hold, Escalated, Closed'),
    priority: deskPriority,
    assigneeId: zohoId('Agent id (desk_list_agents)'),
    departmentId: zohoId('Department id; moving a ticket may need a new assignee'),
    contactId: zohoId('Contact id'),
    dueDate: z.iso.datetime().describe('ISO 8601 UTC, e.g. 2025-03-01T17:00:00.000Z'),
    category: z.string().min(1).describe('Category, as set up in Desk'),
    subCategory: z.string().min(1).describe('Sub-category of the category'),
    email: z.email().describe('Contact email on the ticket'),
    phone: z.string().min(1).describe('Contact phone on the ticket'),
  })
  .partial()
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'give at least one field to change' })
  .describe('The fields to change, at least one; the others keep their values');

export const deskUpdateTicket = defineTool({
  name: 'desk_update_ticket',
  app: 'desk',
  effect: 'write',
  description: [
    'Change fields of a Zoho Desk ticket: status (close or reopen it), priority, assignee, department, due date,',
    'subject, description, category. Send only the fields to change inside changes.',
    'Example: {"ticketId":"1892000000042032","changes":{"status":"Closed"}}',
  ].join(' '),
  input: z.object({ ticketId: zohoId('Ticket id'), changes }).strict(),
  async run(p, { client, signal }) {
    const ticket = await client.updateTicket(p.ticketId, p.changes, { signal });
    return { ticket };
  },
  summarize: (p) =>
    `Update ${Object.entries(p.changes)
      .map(([k, v]) => (k === 'description' ? k : `${k} to ${JSON.stringify(v)}`))
      .join(', ')} on Zoho Desk ticket ${p.ticketId}.`,
});
