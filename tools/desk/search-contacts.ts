import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

const CRITERIA = ['email', 'firstName', 'lastName', 'fullName', 'phone', 'accountName'] as const;

export const deskSearchContacts = defineTool({
  name: 'desk_search_contacts',
  app: 'desk',
  effect: 'read',
  description: [
    'Search Zoho Desk contacts (customers) by email, name, phone or account name; give at least one, several are',
    'combined with AND. A trailing * matches a prefix, e.g. "smi*". Use it to find the contactId for a ticket.',
    'Page with from (0-based) and limit (at most 100). Example: {"email":"carol@zylker.com"}',
  ].join(' '),
  input: z
    .object({
      email: z.string().min(1).optional(),
      firstName: z.string().min(1).optional(),
      lastName: z.string().min(1).optional(),
      fullName: z.string().min(1).optional(),
      phone: z.string().min(1).optional(),
      accountName: z.string().min(1).optional(),
      from: z.number().int().min(0).optional().describe('0-based offset'),
      limit: z.number().int().min(1).max(100).optional(),
    })
    .strict()
    .refine((p) => CRITERIA.some((k) => p[k] !== undefined), { message: `give at least one of ${CRITERIA.join(', ')}`, path: ['email'] }),
  async run(p, { client, signal }) {
    const body = await client.searchContacts(
      { ...Object.fromEntries(CRITERIA.map((k) => [k, p[k]])), from: p.from, limit: p.limit },
      { signal },
    );
    return { contacts: body?.data ?? [], ...(typeof body?.count === 'number' ? { count: body.count } : {}) };
  },
});
