import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';

export const crmAddNote = defineTool({
  name: 'crm_add_note',
  app: 'crm',
  effect: 'write',
  description: [
    'Attach a note to one Zoho CRM record (a Lead, Contact, Account, Deal, ...).',
    'Example: {"module":"Deals","recordId":"5725767000000412345","title":"Call summary","content":"Agreed on a 12-month term."}',
  ].join(' '),
  input: z
    .object({
      module: crmModule.describe('API name of the module of the record the note belongs to, e.g. Deals'),
      recordId: zohoId('Id of the record the note belongs to'),
      title: z.string().min(1).max(255).optional().describe('Note title (optional)'),
      content: z.string().min(1).max(32_000).describe('Note text, plain text'),
    })
    .strict(),
  async run(p, { client, signal }) {
    // v8 shape of Parent_Id: {module: {api_name}, id} (notes.json, schemas Parent_Id and Minified_Module).
    const note = {
      ...(p.title ? { Note_Title: p.title } : {}),
      Note_Content: p.content,
      Parent_Id: { module: { api_name: p.module }, id: p.recordId },
    };
    const result: any = await client.createNote(note, { signal });
    return { id: result?.details?.id, message: result?.message, details: result?.details };
  },
  summarize: (p) => `Add a note${p.title ? ` "${p.title}"` : ''} to the ${p.module} record ${p.recordId}.`,
});
