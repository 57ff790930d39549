import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmModule } from './crm-module.ts';
import { recordFields } from './record-fields.ts';

export const crmCreateRecord = defineTool({
  name: 'crm_create_record',
  app: 'crm',
  effect: 'write',
  description: [
    'Create one record in a Zoho CRM module. record maps field API names (see crm_get_fields) to values:',
    'text and numbers as-is, dates "YYYY-MM-DD", date-times ISO 8601 with offset, picklists one of their values,',
    'lookups as {"id":"..."}. Mandatory fields (e.g. Last_Name for Leads and Contacts, Deal_Name and Stage for Deals) must be set.',
    'Returns the new id. Example: {"module":"Leads","record":{"Last_Name":"Smith","Company":"Acme","Email":"j.smith@acme.com"}}',
  ].join(' '),
  input: z.object({ module: crmModule, record: recordFields }).strict(),
  async run(p, { client, signal }) {
    const result: any = await client.createRecord(p.module, p.record, { signal });
    return { id: result?.details?.id, message: result?.message, details: result?.details };
  },
  summarize: (p) => `Create a ${p.module} record in Zoho CRM with ${describeFields(p.record)}.`,
});

function describeFields(record: Record<string, unknown>): string {
  const names = Object.keys(record);
  return names.length <= 4 ? `the fields ${names.join(', ')}` : `${names.length} fields (${names.slice(0, 3).join(', ')}, ...)`;
}
