import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskGetTicket = defineTool({
  name: 'desk_get_ticket',
  app: 'desk',
  effect: 'read',
  description: [
    'Fetch one Zoho Desk ticket by its id (not its ticket number: find that with desk_search_tickets):',
    'subject, status, priority, contact, assignee, department, due date, description.',
    'Returns {ticket} or {found:false}. Example: {"ticketId":"1892000000042032"}',
  ].join(' '),
  input: z.object({ ticketId: zohoId('Ticket id') }).strict(),
  async run(p, { client, signal }) {
    const ticket = await client.getTicket(p.ticketId, {}, { signal });
    return ticket ? { ticket } : { found: false, ticketId: p.ticketId };
  },
  summarize: (p) => `Read Zoho Desk ticket ${p.ticketId}.`,
});
