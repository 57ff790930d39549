import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { crmModule } from './crm-module.ts';

export const crmGetFields = defineTool({
  name: 'crm_get_fields',
  app: 'crm',
  effect: 'read',
  description: [
    'List the fields of one Zoho CRM module: API name, label, data type, whether it is mandatory or read-only,',
    'picklist values and the module a lookup points to. Use it before creating, updating or searching records',
    'so you send field API names (e.g. Last_Name, not "Last Name") and valid picklist values.',
    'Example: {"module":"Leads"}',
  ].join(' '),
  input: z.object({ module: crmModule }).strict(),
  async run(p, { client, signal }) {
    const body = await client.getFields(p.module, { signal });
    const fields: any[] = body?.fields ?? [];
    return {
      fields: fields.map((f) => ({
        api_name: f.api_name,
        field_label: f.field_label ?? f.display_label,
        data_type: f.data_type,
        ...(f.system_mandatory ? { mandatory: true } : {}),
        ...(f.read_only || f.field_read_only ? { read_only: true } : {}),
        ...(f.length ? { length: f.length } : {}),
        ...(Array.isArray(f.pick_list_values) && f.pick_list_values.length > 0
          ? { picklist: f.pick_list_values.map((v: any) => v.actual_value ?? v.display_value) }
          : {}),
        ...(f.lookup?.module?.api_name ? { lookup_module: f.lookup.module.api_name } : {}),
      })),
    };
  },
  summarize: (p) => `Read the fields of ${p.module} in Zoho CRM.`,
});
