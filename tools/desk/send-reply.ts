import { z } from 'zod';
import { AppError } from '../../src/errors.ts';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { emailAddress } from './desk-email.ts';

const preview = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
};

export const deskSendReply = defineTool({
  name: 'desk_send_reply',
  app: 'desk',
  effect: 'write',
  description: [
    'Send an email reply on a Zoho Desk ticket: the customer receives it and it joins the ticket\'s conversation.',
    'By default it goes to the ticket\'s contact, from the department\'s default support address. Use desk_add_ticket_comment',
    'for a note the customer must not get. ticketStatus sets the status with the reply (allowed values: desk_get_ticket_fields).',
    'Example: {"ticketId":"1892000000042032","content":"Hi Ana, the replacement ships Monday.","ticketStatus":"On Hold"}',
  ].join(' '),
  input: z
    .object({
      ticketId: zohoId('Ticket id'),
      content: z.string().min(1).max(32_000).describe('The email text; plain text unless contentType is html'),
      contentType: z.enum(['plainText', 'html']).optional().describe('plainText (default) or html'),
      to: emailAddress("Recipient; default the ticket's contact email").optional(),
      cc: z.array(emailAddress('Address to copy')).max(10).optional().describe('Addresses to copy, at most 10'),
      fromEmailAddress: emailAddress("Sender: one of the portal's support addresses; default the department's default one").optional(),
      ticketStatus: z.string().min(1).max(120).optional().describe('Status to set with the reply, e.g. Closed'),
    })
    .strict(),
  async run(p, { client, signal }) {
    let { to, fromEmailAddress } = p;
    if (!to || !fromEmailAddress) {
      const ticket: any = await client.getTicket(p.ticketId, {}, { signal });
      to ??= typeof ticket?.email === 'string' && ticket.email ? ticket.email : undefined;
      if (!fromEmailAddress && ticket?.departmentId) {
        const body: any = await client.listMailReplyAddresses({ departmentId: String(ticket.departmentId), isActive: true }, { signal });
        const addresses: any[] = body?.data ?? [];
        fromEmailAddress = (addresses.find((a) => a.isDepartmentDefault) ?? addresses[0])?.address;
      }
    }
    const missing = !to ? 'to' : !fromEmailAddress ? 'fromEmailAddress' : undefined;
    if (missing) {
      const why = missing === 'to' ? 'the ticket has no contact email' : "the ticket's department has no active support address";
      throw new AppError('INVALID_PARAMS', `Cannot send: ${why}; give ${missing}.`, { details: { fields: [{ field: missing, message: why }] } });
    }
    const thread = await client.sendReply(
      p.ticketId,
      { channel: 'EMAIL', to, fromEmailAddress, content: p.content, contentType: p.contentType ?? 'plainText', ...(p.cc ? { cc: p.cc.join(',') } : {}), ...(p.ticketStatus ? { ticketStatus: p.ticketStatus } : {}) },
      { signal },
    );
    return { thread };
  },
  summarize: (p) =>
    `Email ${p.to ?? "the ticket's contact"} a reply on Zoho Desk ticket ${p.ticketId}${p.cc ? ` (cc ${p.cc.join(', ')})` : ''}${p.ticketStatus ? ` and set it to ${p.ticketStatus}` : ''}: "${preview(p.content)}".`,
});
