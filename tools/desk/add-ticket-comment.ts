import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskAddTicketComment = defineTool({
  name: 'desk_add_ticket_comment',
  app: 'desk',
  effect: 'write',
  description: [
    'Add a comment to a Zoho Desk ticket. Comments are private notes for agents unless isPublic is true,',
    'in which case the customer sees them in the help center (no email is sent).',
    'Example: {"ticketId":"1892000000042032","content":"Called the customer, replacement ships Monday."}',
  ].join(' '),
  input: z
    .object({
      ticketId: zohoId('Ticket id'),
      content: z.string().min(1).max(32_000).describe('Comment text, plain text'),
      isPublic: z.boolean().optional().describe('true shows the comment to the customer; default false (private)'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const comment = await client.addTicketComment(
      p.ticketId,
      { content: p.content, contentType: 'plainText', isPublic: p.isPublic ?? false },
      { signal },
    );
    return { comment };
  },
  summarize: (p) => `Add a ${p.isPublic ? 'public' : 'private'} comment to Zoho Desk ticket ${p.ticketId}.`,
});
