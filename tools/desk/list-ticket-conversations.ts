import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskListTicketConversations = defineTool({
  name: 'desk_list_ticket_conversations',
  app: 'desk',
  effect: 'read',
  description: [
    'List the whole conversation of a Zoho Desk ticket in order: threads (customer emails and agent replies) and',
    'comments together, each with its type. Use it to summarise a ticket\'s history. Page with from (0-based)',
    'and limit (at most 100). Example: {"ticketId":"1892000000042032","limit":50}',
  ].join(' '),
  input: z
    .object({
      ticketId: zohoId('Ticket id'),
      from: z.number().int().min(0).optional().describe('0-based offset'),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listTicketConversations(p.ticketId, { from: p.from, limit: p.limit }, { signal });
    return { conversations: body?.data ?? [] };
  },
});
