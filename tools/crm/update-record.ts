import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';
import { recordFields } from './record-fields.ts';

export const crmUpdateRecord = defineTool({
  name: 'crm_update_record',
  app: 'crm',
  effect: 'write',
  description: [
    'Change fields of one existing Zoho CRM record. Send only the fields to change, by API name (see crm_get_fields);',
    'other fields keep their values. Values as for crm_create_record (lookups as {"id":"..."}).',
    'Example: {"module":"Deals","id":"5725767000000412345","record":{"Stage":"Closed Won","Amount":12000}}',
  ].join(' '),
  input: z.object({ module: crmModule, id: zohoId('Id of the record to change'), record: recordFields }).strict(),
  async run(p, { client, signal }) {
    const result: any = await client.updateRecord(p.module, p.id, p.record, { signal });
    return { id: result?.details?.id ?? p.id, message: result?.message, details: result?.details };
  },
  summarize: (p) => `Update ${Object.keys(p.record).join(', ')} on the ${p.module} record ${p.id}.`,
});
