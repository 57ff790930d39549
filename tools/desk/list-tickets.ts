import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskListTickets = defineTool({
  name: 'desk_list_tickets',
  app: 'desk',
  effect: 'read',
  description: [
    'List Zoho Desk tickets, optionally in one department or with one status. Page with from (0-based',
    'offset) and limit (at most 100); a page shorter than limit is the last. To find tickets by subject, email or',
    'number use desk_search_tickets. Example: {"departmentId":"1892000000006907","status":"Open","limit":20}',
  ].join(' '),
  input: z
    .object({
      departmentId: zohoId('Department id (desk_list_departments)').optional(),
      status: z.string().min(1).optional().describe('Ticket status, e.g. Open, On Hold, Escalated, Closed; several comma-separated'),
      from: z.number().int().min(0).optional().describe('0-based offset of the first ticket'),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listTickets({ departmentId: p.departmentId, status: p.status, from: p.from, limit: p.limit }, { signal });
    return { tickets: body?.data ?? [] };
  },
});
