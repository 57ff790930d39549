import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskFrom, deskLimit } from './paging.ts';
import { zohoId } from '../zoho-id.ts';

export const deskListTicketThreads = defineTool({
  name: 'desk_list_ticket_threads',
  app: 'desk',
  effect: 'read',
  description: [
    'List the threads of a Zoho Desk ticket: the emails, replies and other channel messages exchanged with the',
    'customer (direction, author, channel, summary, time). Comments are not threads: desk_list_ticket_conversations',
    'gives both. Example: {"ticketId":"1892000000042032"}',
  ].join(' '),
  input: z
    .object({
      ticketId: zohoId('Ticket id'),
      from: deskFrom,
      limit: deskLimit,
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listTicketThreads(p.ticketId, { from: p.from, limit: p.limit }, { signal });
    return { threads: body?.data ?? [] };
  },
  summarize: (p) => `List the threads of Zoho Desk ticket ${p.ticketId}.`,
});
