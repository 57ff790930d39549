import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmModule } from './crm-module.ts';
import { recordFields } from './record-fields.ts';

const TRIGGERS = ['workflow', 'approval', 'blueprint'] as const;

export const crmUpsertRecords = defineTool({
  name: 'crm_upsert_records',
  app: 'crm',
  effect: 'write',
  description: [
    'Insert or update up to 100 Zoho CRM records of one module in one call: a record whose duplicateCheckFields',
    'value matches an existing one updates it, the others are inserted. trigger names the automation to run',
    '(workflow, approval, blueprint); [] runs none; omitted runs Zoho\'s default. Each record gets its own result.',
    'Example: {"module":"Leads","records":[{"Last_Name":"Ng","Email":"ng@a.com"}],"duplicateCheckFields":["Email"],"trigger":[]}',
  ].join(' '),
  input: z
    .object({
      module: crmModule,
      records: z.array(recordFields).min(1).max(100).describe('1 to 100 records, field API names to values'),
      duplicateCheckFields: z.array(z.string().min(1)).min(1).max(10).optional().describe('Field API names that identify an existing record; default the module\'s unique fields'),
      trigger: z.array(z.enum(TRIGGERS)).max(3).optional().describe('Automation to run: any of workflow, approval, blueprint; [] for none'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body: any = await client.upsertRecords(
      p.module,
      { data: p.records, ...(p.duplicateCheckFields ? { duplicate_check_fields: p.duplicateCheckFields } : {}), ...(p.trigger ? { trigger: p.trigger } : {}) },
      { signal },
    );
    const results = (body?.data ?? []).map((item: any, index: number) =>
      item?.status === 'success'
        ? { index, ok: true, id: item.details?.id, action: item.action, ...(item.duplicate_field ? { duplicateField: item.duplicate_field } : {}) }
        : { index, ok: false, code: item?.code, message: item?.message, details: item?.details });
    return { results, inserted: results.filter((r: any) => r.action === 'insert').length, updated: results.filter((r: any) => r.action === 'update').length };
  },
  summarize: (p) =>
    `Insert or update ${p.records.length} Zoho CRM ${p.module} record${p.records.length === 1 ? '' : 's'}, matched on ${p.duplicateCheckFields?.join(', ') ?? 'the module\'s unique fields'}` +
    `${p.trigger ? (p.trigger.length ? `, running ${p.trigger.join(', ')}` : ', without automation') : ''}.`,
});
