import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { tagParams, tagResults } from './crm-tags.ts';

export const crmRemoveTags = defineTool({
  name: 'crm_remove_tags',
  app: 'crm',
  effect: 'write',
  description: [
    'Remove tags from Zoho CRM records (up to 100 records of one module); the tags themselves stay in the org.',
    'Example: {"module":"Deals","ids":["5725767000000412345"],"tags":["at-risk"]}',
  ].join(' '),
  input: z.object(tagParams).strict(),
  async run(p, { client, signal }) {
    const body = await client.removeTags(p.module, { tags: p.tags.map((name) => ({ name })), ids: p.ids }, { signal });
    return { records: tagResults(body) };
  },
  summarize: (p) =>
    `Remove the tags ${p.tags.map((t) => `"${t}"`).join(', ')} from ${p.ids.length} Zoho CRM ${p.module} record${p.ids.length === 1 ? ` ${p.ids[0]}` : 's'}.`,
});
