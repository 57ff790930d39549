import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmPage, crmPerPage } from './paging.ts';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';

export const crmGetRelatedRecords = defineTool({
  name: 'crm_get_related_records',
  app: 'crm',
  effect: 'read',
  description: [
    'List the records in one related list of a Zoho CRM record, e.g. the Contacts or Deals of an Account, the',
    'Activities of a Lead. relatedList is the related list API name (Contacts, Deals, Notes, Attachments,',
    'Activities, Products, ...). fields is required (1 to 50 field API names of the related module).',
    'Example: {"module":"Accounts","id":"5725767000000412345","relatedList":"Deals","fields":["Deal_Name","Stage","Amount"]}',
  ].join(' '),
  input: z
    .object({
      module: crmModule,
      id: zohoId('Id of the parent record'),
      relatedList: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a related list API name such as Contacts or Deals')
        .describe('Related list API name, e.g. Contacts, Deals, Notes, Activities'),
      // Zoho's v8 doc marks fields mandatory here although related_records.json does not.
      fields: z.array(z.string().min(1)).min(1).max(50).describe('Field API names to return (required), e.g. ["Deal_Name","Stage"]'),
      page: crmPage,
      perPage: crmPerPage,
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.listRelatedRecords(
      p.module,
      p.id,
      p.relatedList,
      { fields: p.fields.join(','), page: p.page, per_page: p.perPage },
      { signal },
    );
    return { records: body?.data ?? [], info: body?.info ?? { count: 0, more_records: false } };
  },
  summarize: (p) => `List the ${p.relatedList} of the ${p.module} record ${p.id}.`,
});
