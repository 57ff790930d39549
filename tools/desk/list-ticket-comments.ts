import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskListTicketComments = defineTool({
  name: 'desk_list_ticket_comments',
  app: 'desk',
  effect: 'read',
  description: [
    'List the comments on a Zoho Desk ticket: agents\' notes (isPublic false) and comments shown to the customer (isPublic true),',
    'with who wrote them and when. Emails are threads (desk_list_ticket_threads). Page with from (0-based) and limit (at most 100).',
    'Example: {"ticketId":"1892000000042032","sortBy":"-commentedTime"}',
  ].join(' '),
  input: z
    .object({
      ticketId: zohoId('Ticket id'),
      sortBy: z.enum(['commentedTime', '-commentedTime']).optional().describe('commentedTime oldest first (default), -commentedTime newest first'),
      from: z.number().int().min(0).optional().describe('0-based offset of the first comment'),
      limit: z.number().int().min(1).max(100).optional().describe('Comments to return, at most 100'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body: any = await client.listTicketComments(p.ticketId, { sortBy: p.sortBy, from: p.from, limit: p.limit }, { signal });
    return { comments: body?.data ?? [] };
  },
  summarize: (p) => `List the comments of Zoho Desk ticket ${p.ticketId}.`,
});
