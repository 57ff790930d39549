import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmModule } from './crm-module.ts';
import { crmPage, crmPerPage } from './paging.ts';

export const crmSearchRecords = defineTool({
  name: 'crm_search_records',
  app: 'crm',
  effect: 'read',
  description: [
    'Search records of one Zoho CRM module. Give exactly one of criteria, email, phone or word.',
    'criteria syntax: ((Field_API_Name:operator:value)and(Field_API_Name:operator:value)), operators equals, not_equal,',
    'starts_with, in, greater_than, less_than; up to 10 conditions joined by and/or; escape commas and parentheses in values with a backslash.',
    'email searches every email field, phone every phone field, word the whole module.',
    'Example: {"module":"Leads","criteria":"((Last_Name:equals:Smith)and(Lead_Status:equals:Contacted))","fields":["Last_Name","Email"]}',
  ].join(' '),
  input: z
    .object({
      module: crmModule,
      criteria: z.string().min(1).optional().describe('Criteria expression, e.g. ((Last_Name:equals:Smith)and(Lead_Status:equals:Contacted))'),
      email: z.string().min(1).optional().describe('An email address, matched against every email field'),
      phone: z.string().min(1).optional().describe('A phone number, matched against every phone field'),
      word: z.string().min(1).optional().describe('A word, matched anywhere in the module\'s records'),
      fields: z.array(z.string().min(1)).max(50).optional().describe('Field API names to return'),
      page: crmPage,
      perPage: crmPerPage,
    })
    .strict()
    .refine((p) => [p.criteria, p.email, p.phone, p.word].filter((v) => v !== undefined).length === 1, {
      message: 'give exactly one of criteria, email, phone, word',
      path: ['criteria'],
    }),
  async run(p, { client, signal }) {
    const body = await client.searchRecords(
      p.module,
      { criteria: p.criteria, email: p.email, phone: p.phone, word: p.word, fields: p.fields?.join(','), page: p.page, per_page: p.perPage },
      { signal },
    );
    return { records: body?.data ?? [], info: body?.info ?? { count: 0, more_records: false } };
  },
  summarize: (p) => `Search ${p.module} for ${p.email ?? p.phone ?? p.word ?? p.criteria}.`,
});
