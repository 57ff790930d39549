import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

/** The picklists a model most often guesses; their values are fetched when the list leaves them out. */
const COMMON = ['status', 'priority', 'channel', 'classification', 'category', 'subCategory', 'language'];
const PICKLISTS = new Set(['Picklist', 'Multiselect']);

const valuesOf = (field: any) =>
  Array.isArray(field?.pickListValues)
    ? field.pickListValues.map((v: any) => (v?.statusType ? { value: v.value, statusType: v.statusType } : v?.value))
    : undefined;

export const deskGetTicketFields = defineTool({
  name: 'desk_get_ticket_fields',
  app: 'desk',
  effect: 'read',
  description: [
    'The ticket fields of this Zoho Desk org and the allowed values of its picklists (status with its status type,',
    'priority, channel, classification, category, custom picklists). Use it before setting a ticket field instead of',
    'guessing a value. departmentId keeps the fields of that department\'s layouts. Example: {"fields":["status","priority"]}',
  ].join(' '),
  input: z
    .object({
      departmentId: zohoId('Only fields in layouts of this department (desk_list_departments)').optional(),
      fields: z.array(z.string().regex(/^[A-Za-z][\w]*$/, 'a field API name such as status or cf_region')).min(1).max(50).optional()
        .describe('Field API names to return, e.g. ["status","priority"]; default all'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body: any = await client.listFields(
      { module: 'tickets', associatedDepartments: p.departmentId, apiNames: p.fields?.join(',') },
      { signal },
    );
    const list: any[] = body?.data ?? [];
    const wanted = (f: any) => PICKLISTS.has(f?.type) && !valuesOf(f) && (p.fields ? true : COMMON.includes(f.apiName) || f.isCustomField);
    // Fields.json: a list may omit pickListValues; one field's own answer carries them. At most 10 such reads.
    const details = new Map<string, any>();
    for (const f of list.filter(wanted).slice(0, 10)) details.set(String(f.id), await client.getField(String(f.id), { signal }));
    const fields = list.map((f) => {
      const values = valuesOf(details.get(String(f.id)) ?? f);
      return { apiName: f.apiName, label: f.displayLabel, type: f.type, mandatory: f.isMandatory === true, custom: f.isCustomField === true, ...(values ? { values } : {}) };
    });
    return { fields };
  },
  summarize: (p) => `Read the Zoho Desk ticket fields${p.fields ? ` ${p.fields.join(', ')}` : ''}${p.departmentId ? ` of department ${p.departmentId}` : ''}.`,
});
