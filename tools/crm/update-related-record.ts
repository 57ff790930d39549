import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';

export const crmUpdateRelatedRecord = defineTool({
  name: 'crm_update_related_record',
  app: 'crm',
  effect: 'write',
  description: [
    'Link a Zoho CRM record into a related list of another record and set the fields of that relation, e.g. add a',
    'contact to an account, or set a contact\'s role on a deal. relatedList is the related list API name',
    '(crm_get_related_records shows them). record holds the relation\'s fields; {} only links.',
    'Example: {"module":"Accounts","id":"5725767000000412345","relatedList":"Contacts","relatedId":"5725767000000498765","record":{}}',
  ].join(' '),
  input: z
    .object({
      module: crmModule,
      id: zohoId('Id of the parent record'),
      relatedList: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a related list API name such as Contacts').describe('Related list API name, e.g. Contacts, Deals, Contact_Roles'),
      relatedId: zohoId('Id of the related record'),
      record: z.record(z.string().min(1), z.unknown()).optional().describe('Relation fields to set, by API name; omit or {} to only link'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const result: any = await client.updateRelatedRecord(p.module, p.id, p.relatedList, p.relatedId, p.record ?? {}, { signal });
    return { id: result?.details?.id ?? p.relatedId, message: result?.message, details: result?.details };
  },
  summarize: (p) => {
    const fields = Object.keys(p.record ?? {});
    return `Link record ${p.relatedId} into the ${p.relatedList} of the Zoho CRM ${p.module} record ${p.id}${fields.length ? `, setting ${fields.join(', ')}` : ''}.`;
  },
});
