import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskFrom, deskLimit } from './paging.ts';
import { zohoId } from '../zoho-id.ts';

export const deskListTicketConversations = defineTool({
  name: 'desk_list_ticket_conversations',
  app: 'desk',
  effect: 'read',
  description: [
    'List the whole conversation of a Zoho Desk ticket in order: threads (customer emails and agent replies) and',
    'comments together, each with its type. Use it to summarise a ticket\'s history.',
    'Example: {"ticketId":"1892000000042032","limit":50}',
  ].join(' '),
  input: z
    .object({
      ticketId: zohoId('Ticket id'),
      from: deskFrom,
      limit: deskLimit,
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listTicketConversations(p.ticketId, { from: p.from, limit: p.limit }, { signal });
    return { conversations: body?.data ?? [] };
  },
  summarize: (p) => `List the conversations of Zoho Desk ticket ${p.ticketId}.`,
});
