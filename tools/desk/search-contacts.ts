import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { deskFrom, deskLimit } from './paging.ts';

const CRITERIA = ['email', 'firstName', 'lastName', 'fullName', 'phone', 'accountName'] as const;

export const deskSearchContacts = defineTool({
  name: 'desk_search_contacts',
  app: 'desk',
  effect: 'read',
  description: [
    'Search Zoho Desk contacts (customers) by email, name, phone or account name; give at least one, several are',
    'combined with AND. A trailing * matches a prefix, e.g. "smi*". Use it to find the contactId for a ticket.',
    'Example: {"email":"carol@zylker.com"}',
  ].join(' '),
  input: z
    .object({
      email: z.string().min(1).optional().describe('Contact email'),
      firstName: z.string().min(1).optional().describe('First name'),
      lastName: z.string().min(1).optional().describe('Last name'),
      fullName: z.string().min(1).optional().describe('First and last name'),
      phone: z.string().min(1).optional().describe('Phone number'),
      accountName: z.string().min(1).optional().describe('Name of the contact\'s account (company)'),
      from: deskFrom,
      limit: deskLimit,
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
  summarize: (p) => `Search Zoho Desk contacts for ${[p.fullName ?? [p.firstName, p.lastName].filter(Boolean).join(' '), p.email, p.phone, p.accountName].filter(Boolean).join(', ') || 'everyone'}.`,
});
