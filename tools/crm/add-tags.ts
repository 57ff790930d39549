import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { tagParams, tagResults } from './crm-tags.ts';

export const crmAddTags = defineTool({
  name: 'crm_add_tags',
  app: 'crm',
  effect: 'write',
  description: [
    'Add tags to Zoho CRM records (up to 100 records of one module). A tag that does not exist yet is created.',
    'The answer lists each record with its tags now. Example: {"module":"Leads","ids":["5725767000000412345"],"tags":["trade-show-2025"]}',
  ].join(' '),
  input: z
    .object({
      ...tagParams,
      replace: z.boolean().optional().describe('true replaces the records\' existing tags with these; default false adds them'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.addTags(p.module, { tags: p.tags.map((name) => ({ name })), ids: p.ids, over_write: p.replace ?? false }, { signal });
    return { records: tagResults(body) };
  },
  summarize: (p) =>
    `${p.replace ? 'Replace the tags of' : 'Add the tags'} ${p.tags.map((t) => `"${t}"`).join(', ')} ${p.replace ? 'on' : 'to'} ${p.ids.length} Zoho CRM ${p.module} record${p.ids.length === 1 ? ` ${p.ids[0]}` : 's'}${p.replace ? ' with those' : ''}.`,
});
