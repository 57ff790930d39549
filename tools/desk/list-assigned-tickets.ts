import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

const SORT = ['createdTime', 'dueDate', 'recentThread', 'ticketNumber'] as const;

export const deskListAssignedTickets = defineTool({
  name: 'desk_list_assigned_tickets',
  app: 'desk',
  effect: 'read',
  description: [
    'List the Zoho Desk tickets assigned to someone: to me (the connected agent, the default), unassigned ones, or',
    'one agent\'s (id from desk_list_agents); filter by status and department, sort by created time, due date, last',
    'thread or number (a leading - sorts descending). "My open tickets": {"assignee":"me","status":"Open"}.',
    'Page with from (0-based) and limit (at most 100).',
  ].join(' '),
  input: z
    .object({
      assignee: z.string().regex(/^(me|unassigned|\d{1,30})$/, 'me, unassigned, or an agent id').optional()
        .describe('me (default), unassigned, or an agent id (desk_list_agents)'),
      status: z.string().min(1).max(200).optional().describe('Ticket status, e.g. Open, On Hold, Closed; several comma-separated (desk_get_ticket_fields lists them)'),
      departmentId: zohoId('Department id (desk_list_departments)').optional(),
      sortBy: z.enum([...SORT, ...SORT.map((s) => `-${s}` as const)]).optional().describe('Sort key; default -createdTime (newest first)'),
      from: z.number().int().min(0).optional().describe('0-based offset of the first ticket'),
      limit: z.number().int().min(1).max(100).optional().describe('Tickets to return, at most 100'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const who = p.assignee ?? 'me';
    const assignee = who === 'me' ? String(((await client.myInfo({ signal })) as any)?.id ?? '') : who === 'unassigned' ? 'Unassigned' : who;
    const body: any = await client.listTickets(
      { assignee, status: p.status, departmentId: p.departmentId, sortBy: p.sortBy ?? '-createdTime', from: p.from, limit: p.limit, include: 'contacts' },
      { signal },
    );
    return { assignee: who === 'me' ? { me: true, agentId: assignee } : who, tickets: body?.data ?? [] };
  },
  summarize: (p) => `List ${p.status ? `${p.status} ` : ''}Zoho Desk tickets ${p.assignee === 'unassigned' ? 'not assigned to anyone' : p.assignee && p.assignee !== 'me' ? `assigned to agent ${p.assignee}` : 'assigned to you'}.`,
});
