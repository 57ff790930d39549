import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

export const crmGetOrg = defineTool({
  name: 'crm_get_org',
  app: 'crm',
  effect: 'read',
  description: [
    'Get the Zoho CRM organization: company name, org ids (id, zgid), primary email, time zone, currency and',
    'edition type. Use it for the org\'s currency or time zone before writing amounts or dates. Takes no parameters: {}',
  ].join(' '),
  input: z.object({}).strict(),
  async run(_p, { client, signal }) {
    const body = await client.getOrg({ signal });
    const org = body?.org?.[0];
    return org ? { org } : { found: false };
  },
  summarize: () => 'Read your Zoho CRM organization.',
});
