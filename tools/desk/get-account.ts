import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';

export const deskGetAccount = defineTool({
  name: 'desk_get_account',
  app: 'desk',
  effect: 'read',
  description: [
    'Fetch one Zoho Desk account (a customer company) by id: name, website, phone, owner.',
    'Returns {account} or {found:false}. Example: {"accountId":"1892000000975382"}',
  ].join(' '),
  input: z.object({ accountId: zohoId('Account id') }).strict(),
  async run(p, { client, signal }) {
    const account = await client.getAccount(p.accountId, { signal });
    return account ? { account } : { found: false, accountId: p.accountId };
  },
  summarize: (p) => `Read the Zoho Desk account ${p.accountId}.`,
});
