import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskSearchArticles = defineTool({
  name: 'desk_search_articles',
  app: 'desk',
  effect: 'read',
  description: [
    'Search the Zoho Desk knowledge base (help articles) by words in their title and text; answers id, title,',
    'summary and link of each match, best first. Read one with desk_get_article before quoting it to a customer.',
    'Page with from (1-based) and limit (at most 50). Example: {"query":"reset password"}',
  ].join(' '),
  input: z
    .object({
      query: z.string().trim().min(2).max(200).describe('Words to search for'),
      departmentId: zohoId('Only articles of this department (desk_list_departments)').optional(),
      categoryId: zohoId('Only articles of this knowledge base category').optional(),
      status: z.enum(['Published', 'Draft', 'Review', 'Expired', 'Unpublished']).optional().describe('Publishing status; default any'),
      from: z.number().int().min(1).optional().describe('1-based index of the first article'),
      limit: z.number().int().min(1).max(50).optional().describe('Articles to return, at most 50'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body: any = await client.searchArticles(
      { searchStr: p.query, departmentId: p.departmentId, categoryId: p.categoryId, status: p.status, from: p.from, limit: p.limit },
      { signal },
    );
    const articles = (body?.data ?? []).map((a: any) => ({
      id: a.id, title: a.title, summary: a.summary, status: a.status, webUrl: a.webUrl, categoryId: a.categoryId, modifiedTime: a.modifiedTime,
    }));
    return { articles };
  },
  summarize: (p) => `Search the Zoho Desk knowledge base for "${p.query}".`,
});
