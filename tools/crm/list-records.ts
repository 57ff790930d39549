import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmPage, crmPerPage } from './paging.ts';
import { crmModule } from './crm-module.ts';

export const crmListRecords = defineTool({
  name: 'crm_list_records',
  app: 'crm',
  effect: 'read',
  description: [
    'List records of one Zoho CRM module page by page, optionally sorted; use crm_search_records or crm_coql_query to filter.',
    'fields is required (1 to 50 field API names). Beyond the first 2,000 records,',
    'pass pageToken from the previous answer\'s info.next_page_token instead of page (never both).',
    'Example: {"module":"Deals","fields":["Deal_Name","Stage","Amount"],"sortBy":"Modified_Time","sortOrder":"desc","perPage":20}',
  ].join(' '),
  input: z
    .object({
      module: crmModule,
      fields: z.array(z.string().min(1)).min(1).max(50).describe('Field API names to return, e.g. ["Last_Name","Email"]'),
      sortBy: z.enum(['id', 'Created_Time', 'Modified_Time']).optional().describe('Zoho sorts only by id, Created_Time or Modified_Time'),
      sortOrder: z.enum(['asc', 'desc']).optional().describe('Sort direction (default desc)'),
      page: crmPage,
      perPage: crmPerPage,
      pageToken: z.string().min(1).optional().describe('info.next_page_token of the previous page, to read past 2,000 records'),
    })
    .strict()
    .refine((p) => p.page === undefined || p.pageToken === undefined, { message: 'give page or pageToken, not both', path: ['pageToken'] }),
  async run(p, { client, signal }) {
    const body = await client.listRecords(
      p.module,
      {
        fields: p.fields.join(','),
        sort_by: p.sortBy,
        sort_order: p.sortOrder,
        page: p.page,
        per_page: p.perPage,
        page_token: p.pageToken,
      },
      { signal },
    );
    return { records: body?.data ?? [], info: body?.info ?? { count: 0, more_records: false } };
  },
  summarize: (p) => `List ${p.module} records${p.sortBy ? ` by ${p.sortBy}` : ''}${p.page && p.page > 1 ? `, page ${p.page}` : ''}.`,
});
