import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmPage, crmPerPage } from './paging.ts';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';

/** GET /Notes requires `fields` (notes.json); the related list accepts the same list. */
const NOTE_FIELDS = 'Note_Title,Note_Content,Parent_Id,Owner,Created_Time,Modified_Time';

export const crmListNotes = defineTool({
  name: 'crm_list_notes',
  app: 'crm',
  effect: 'read',
  description: [
    'List Zoho CRM notes: those attached to one record when you give module and recordId together, otherwise the',
    'latest notes across the CRM.',
    'Example: {"module":"Deals","recordId":"5725767000000412345"}',
  ].join(' '),
  input: z
    .object({
      module: crmModule.optional(),
      recordId: zohoId('Id of the record whose notes to list').optional(),
      page: crmPage,
      perPage: crmPerPage,
    })
    .strict()
    .refine((p) => (p.module === undefined) === (p.recordId === undefined), {
      message: 'give module and recordId together, or neither',
      path: ['recordId'],
    }),
  async run(p, { client, signal }) {
    const query = { fields: NOTE_FIELDS, page: p.page, per_page: p.perPage };
    const body =
      p.module && p.recordId
        ? await client.listRelatedRecords(p.module, p.recordId, 'Notes', query, { signal })
        : await client.listNotes(query, { signal });
    return { notes: body?.data ?? [], info: body?.info ?? { count: 0, more_records: false } };
  },
  summarize: (p) => (p.module && p.recordId ? `List the notes of the ${p.module} record ${p.recordId}.` : 'List the notes in Zoho CRM.'),
});
