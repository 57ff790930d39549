import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskStatus } from './ticket-values.ts';
import { deskFrom, deskLimit } from './paging.ts';
import { zohoId } from '../zoho-id.ts';

export const deskListTickets = defineTool({
  name: 'desk_list_tickets',
  app: 'desk',
  effect: 'read',
  description: [
    'List Zoho Desk tickets, optionally in one department or with one status. To find tickets by subject, email or',
    'number use desk_search_tickets. Example: {"departmentId":"1892000000006907","status":"Open","limit":20}',
  ].join(' '),
  input: z
    .object({
      departmentId: zohoId('Department id (desk_list_departments)').optional(),
      status: deskStatus.optional().describe('Ticket status, or several comma-separated: Desk\'s defaults are Open, On Hold, Escalated, Closed; an org may add its own'),
      from: deskFrom,
      limit: deskLimit,
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listTickets({ departmentId: p.departmentId, status: p.status, from: p.from, limit: p.limit }, { signal });
    return { tickets: body?.data ?? [] };
  },
  summarize: (p) => `List ${p.status ? `${p.status} ` : ''}Zoho Desk tickets${p.departmentId ? ` in department ${p.departmentId}` : ''}.`,
});
