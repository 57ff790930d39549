import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskGetArticle = defineTool({
  name: 'desk_get_article',
  app: 'desk',
  effect: 'read',
  description: [
    'Read one Zoho Desk knowledge base article: title, its full text (answer, HTML), status, tags and link.',
    'Find the id with desk_search_articles. Example: {"articleId":"1892000000071001"}',
  ].join(' '),
  input: z.object({ articleId: zohoId('Article id (desk_search_articles)') }).strict(),
  async run(p, { client, signal }) {
    const a: any = await client.getArticle(p.articleId, { signal });
    return {
      article: a && {
        id: a.id, title: a.title, answer: a.answer, summary: a.summary, status: a.status, tags: a.tags, webUrl: a.webUrl,
        categoryId: a.categoryId, modifiedTime: a.modifiedTime,
      },
    };
  },
  summarize: (p) => `Read the Zoho Desk article ${p.articleId}.`,
});
