import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmModule } from './crm-module.ts';
import { recordFields } from './record-fields.ts';

export const crmUpsertRecord = defineTool({
  name: 'crm_upsert_record',
  app: 'crm',
  effect: 'write',
  description: [
    'Insert a Zoho CRM record, or update the existing one that has the same value in a unique field.',
    'duplicateCheckFields names the fields that identify the record (e.g. ["Email"]); without it Zoho uses the',
    'module\'s unique fields (Email for Leads and Contacts, Account_Name for Accounts). Answer says action insert or update.',
    'Example: {"module":"Contacts","record":{"Last_Name":"Smith","Email":"j.smith@acme.com","Phone":"+1 555 0100"},"duplicateCheckFields":["Email"]}',
  ].join(' '),
  input: z
    .object({
      module: crmModule,
      record: recordFields,
      duplicateCheckFields: z.array(z.string().min(1)).min(1).max(10).optional().describe('Field API names that identify an existing record'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const result: any = await client.upsertRecord(p.module, p.record, p.duplicateCheckFields, { signal });
    return {
      id: result?.details?.id,
      action: result?.action,
      ...(result?.duplicate_field ? { duplicateField: result.duplicate_field } : {}),
      message: result?.message,
      details: result?.details,
    };
  },
  summarize: (p) =>
    `Create or update a ${p.module} record in Zoho CRM, matched on ${p.duplicateCheckFields?.join(', ') ?? 'the module\'s unique fields'}.`,
});
