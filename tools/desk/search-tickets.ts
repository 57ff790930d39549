import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskPriority, deskStatus } from './ticket-values.ts';
import { deskFrom, deskLimit } from './paging.ts';

export const deskSearchTickets = defineTool({
  name: 'desk_search_tickets',
  app: 'desk',
  effect: 'read',
  description: [
    'Search Zoho Desk tickets by subject, customer email, status, priority or ticket number (the number customers',
    'quote, e.g. 101). Give at least one criterion; several are combined with AND. subject and email match',
    'a prefix when they end with *, e.g. "printer*".',
    'Example: {"email":"carol@zylker.com","status":"Open"}',
  ].join(' '),
  input: z
    .object({
      subject: z.string().min(1).optional().describe('Ticket subject; a trailing * matches a prefix'),
      email: z.string().min(1).optional().describe('Customer email; a trailing * matches a prefix'),
      status: deskStatus.optional(),
      priority: deskPriority.optional(),
      ticketNumber: z.string().regex(/^\d+$/, 'digits only, e.g. "101"').optional().describe('Ticket number as shown to customers, e.g. "101"'),
      from: deskFrom,
      limit: deskLimit,
    })
    .strict()
    .refine((p) => [p.subject, p.email, p.status, p.priority, p.ticketNumber].some((v) => v !== undefined), {
      message: 'give at least one of subject, email, status, priority, ticketNumber',
      path: ['subject'],
    }),
  async run(p, { client, signal }) {
    const body = await client.searchTickets(
      { subject: p.subject, email: p.email, status: p.status, priority: p.priority, ticketNumber: p.ticketNumber, from: p.from, limit: p.limit },
      { signal },
    );
    return { tickets: body?.data ?? [], ...(typeof body?.count === 'number' ? { count: body.count } : {}) };
  },
  summarize: (p) => `Search Zoho Desk tickets for ${[p.ticketNumber && `#${p.ticketNumber}`, p.subject, p.email, p.status, p.priority].filter(Boolean).join(', ')}.`,
});
