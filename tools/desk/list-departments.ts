import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

export const deskListDepartments = defineTool({
  name: 'desk_list_departments',
  app: 'desk',
  effect: 'read',
  description: [
    'List the Zoho Desk departments (id, name, whether enabled). Tickets belong to a department: use it to find the',
    'departmentId for desk_create_ticket or to filter desk_list_tickets. Takes no parameters: {}',
  ].join(' '),
  input: z.object({}).strict(),
  async run(_p, { client, signal }) {
    // Desk returns 10 departments unless asked for more.
    const body = await client.listDepartments({ limit: 100 }, { signal });
    return { departments: body?.data ?? [] };
  },
  summarize: () => 'List Zoho Desk departments.',
});
