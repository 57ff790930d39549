import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

const USER_TYPES = ['AllUsers', 'ActiveUsers', 'ActiveConfirmedUsers', 'DeactiveUsers', 'ConfirmedUsers', 'NotConfirmedUsers', 'CurrentUser'] as const;

export const crmListUsers = defineTool({
  name: 'crm_list_users',
  app: 'crm',
  effect: 'read',
  description: [
    'List the users of the Zoho CRM org with their id, name, email, role and profile, e.g. to find the user id',
    'for an Owner field by name ("give this deal to Maria": find Maria here, then crm_update_record with {"Owner":{"id":"..."}}).',
    'Pages of up to 200. Example: {"type":"ActiveUsers"}',
  ].join(' '),
  input: z
    .object({
      type: z.enum(USER_TYPES).optional().describe('Which users: ActiveUsers (default), AllUsers, CurrentUser, DeactiveUsers, ...'),
      page: z.number().int().min(1).optional().describe('Page number, from 1'),
      perPage: z.number().int().min(1).max(200).optional().describe('Users per page, at most 200'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const type = p.type ?? 'ActiveUsers';
    // users.json: no type lists everyone; AllUsers is this tool's name for that.
    const body: any = await client.listUsers({ type: type === 'AllUsers' ? undefined : type, page: p.page, per_page: p.perPage }, { signal });
    const users = (body?.users ?? []).map((u: any) => ({
      id: u.id, name: u.full_name, email: u.email, status: u.status, role: u.role?.name, profile: u.profile?.name,
    }));
    return { users, info: body?.info ?? { count: users.length, more_records: false } };
  },
  summarize: (p) => `List Zoho CRM users${p.type && p.type !== 'ActiveUsers' ? ` (${p.type})` : ''}.`,
});
