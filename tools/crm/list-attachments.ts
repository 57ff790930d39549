import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';

/** attachments.json marks `fields` required; these are the Attachment schema's useful ones. */
const FIELDS = 'id,File_Name,Size,Created_Time,Modified_Time,Owner,Created_By,$file_id,$type,$link_url';

export const crmListAttachments = defineTool({
  name: 'crm_list_attachments',
  app: 'crm',
  effect: 'read',
  description: [
    'List the files and links attached to one Zoho CRM record: file name, size in bytes, who attached it and when.',
    'Example: {"module":"Deals","id":"5725767000000412345"}',
  ].join(' '),
  input: z
    .object({
      module: crmModule,
      id: zohoId('Id of the record'),
      page: z.number().int().min(1).optional().describe('Page number, from 1'),
      perPage: z.number().int().min(1).max(200).optional().describe('Attachments per page, at most 200'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body: any = await client.listAttachments(p.module, p.id, { fields: FIELDS, page: p.page, per_page: p.perPage }, { signal });
    return { attachments: body?.data ?? [], info: body?.info ?? { count: 0, more_records: false } };
  },
  summarize: (p) => `List the attachments of the ${p.module} record ${p.id}.`,
});
