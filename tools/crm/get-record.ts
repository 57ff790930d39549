import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';

export const crmGetRecord = defineTool({
  name: 'crm_get_record',
  app: 'crm',
  effect: 'read',
  description: [
    'Fetch one Zoho CRM record by its id, with all its fields. Use it when you already have the id',
    '(from a search, a list or a lookup field such as Account_Name.id); to find records by value use crm_search_records.',
    'Returns {record} or {found:false}. Example: {"module":"Contacts","id":"5725767000000412345"}',
  ].join(' '),
  input: z.object({ module: crmModule, id: zohoId('Record id') }).strict(),
  async run(p, { client, signal }) {
    const body = await client.getRecord(p.module, p.id, {}, { signal });
    const record = body?.data?.[0];
    return record ? { record } : { found: false, module: p.module, id: p.id };
  },
  summarize: (p) => `Read the ${p.module} record ${p.id}.`,
});
