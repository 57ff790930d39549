import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmModule } from './crm-module.ts';
import { recordFields } from './record-fields.ts';

/** CRM search criteria escape commas and parentheses in values with a backslash (ZOHO.md 3.2). */
const escape = (value: string) => value.replace(/([(),\\])/g, '\\$1');

export const crmFindOrCreateRecord = defineTool({
  name: 'crm_find_or_create_record',
  app: 'crm',
  effect: 'write',
  description: [
    'Return the Zoho CRM record whose match fields equal the given values, or create it when there is none.',
    'Unlike crm_upsert_record it never changes an existing record. match: 1 to 3 field API names to text values, all',
    'must equal; record: the fields of a new record (match is added to it). The answer says found or created.',
    'Example: {"module":"Accounts","match":{"Account_Name":"Acme Corp"},"record":{"Industry":"Large Enterprise"}}',
  ].join(' '),
  input: z
    .object({
      module: crmModule,
      match: z.record(z.string().min(1), z.string().min(1)).refine((m) => Object.keys(m).length >= 1 && Object.keys(m).length <= 3, {
        message: 'give 1 to 3 fields to match',
      }).describe('1 to 3 field API names to the values an existing record must have, e.g. {"Email":"a@b.com"}'),
      record: recordFields.optional().describe('Fields for the new record when none matches, by API name'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const criteria = Object.entries(p.match).map(([field, value]) => `(${field}:equals:${escape(value)})`).join('and');
    const found: any = await client.searchRecords(p.module, { criteria: `(${criteria})`, per_page: 10 }, { signal });
    // `equals` may match partially when conditions are combined (ZOHO.md 3.2): keep only exact matches.
    const same = (a: unknown, b: string) => String(a ?? '').toLowerCase() === b.toLowerCase();
    const existing = (found?.data ?? []).find((r: any) => Object.entries(p.match).every(([k, v]) => !(k in r) || same(r[k], v)));
    if (existing) return { action: 'found', id: existing.id, record: existing };
    const created: any = await client.createRecord(p.module, { ...p.record, ...p.match }, { signal });
    return { action: 'created', id: created?.details?.id, message: created?.message };
  },
  summarize: (p) =>
    `Find the Zoho CRM ${p.module} record with ${Object.entries(p.match).map(([k, v]) => `${k} = "${v}"`).join(' and ')}, or create it if there is none.`,
});
