import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

export const crmGetCurrentUser = defineTool({
  name: 'crm_get_current_user',
  app: 'crm',
  effect: 'read',
  description: [
    'Get the Zoho CRM user this conversation acts as: id, name, email, role, profile, time zone, locale.',
    'Use it for "my" questions (my deals: Owner.id equals this id) or to set Owner on a new record. Takes no parameters: {}',
  ].join(' '),
  input: z.object({}).strict(),
  async run(_p, { client, signal }) {
    const body = await client.getCurrentUser({ signal });
    const user = body?.users?.[0];
    return user ? { user } : { found: false };
  },
  summarize: () => 'Read your Zoho CRM user.',
});
