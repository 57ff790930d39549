import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';

export const crmDeleteRecord = defineTool({
  name: 'crm_delete_record',
  app: 'crm',
  effect: 'destroy',
  description: [
    'Delete one Zoho CRM record by id (it goes to the recycle bin). Only when the user clearly asked to delete it;',
    'check the id first with crm_get_record. Example: {"module":"Leads","id":"5725767000000412345"}',
  ].join(' '),
  input: z.object({ module: crmModule, id: zohoId('Id of the record to delete') }).strict(),
  async run(p, { client, signal }) {
    const result: any = await client.deleteRecord(p.module, p.id, { signal });
    return { deleted: true, id: result?.details?.id ?? p.id, message: result?.message };
  },
  summarize: (p) => `Delete the ${p.module} record ${p.id}.`,
});
