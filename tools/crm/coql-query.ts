import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

/** `limit 5`, `limit 10, 200` (offset, count) or `limit 200 offset 10`: the count is the row cap. */
const LIMIT = /\blimit\s+(\d+)(?:\s*,\s*(\d+))?/i;

export const crmCoqlQuery = defineTool({
  name: 'crm_coql_query',
  app: 'crm',
  effect: 'read',
  description: [
    'Run a read-only COQL (SQL-like) query on Zoho CRM: the way to filter with comparisons, ranges, AND/OR groups,',
    'lookups (dot notation: Account_Name.Account_Name) and ordering. Syntax:',
    'select <field API names> from <Module> where <criteria> [order by <field> asc|desc] [limit <offset>, <count>].',
    'A where clause is required (where id is not null takes every record); strings in single quotes; more than two criteria',
    'are grouped in pairs like ((A and B) and C); quote reserved words used as field names.',
    'Default 200 rows, at most 2000 per call. No select *, no joins.',
    'Example: {"query":"select Last_Name, Email from Contacts where (Created_Time >= \'2024-01-01T00:00:00+00:00\' and Mailing_City = \'Berlin\') limit 50"}',
  ].join(' '),
  input: z
    .object({
      query: z
        .string()
        .min(1)
        .max(10_000)
        .regex(/^\s*select\s/i, 'a COQL query starts with select')
        .refine((q) => {
          const m = LIMIT.exec(q);
          return !m || Number(m[2] ?? m[1]) <= 2000;
        }, 'COQL returns at most 2000 rows per call: use limit <offset>, <count> with count <= 2000')
        .describe('One COQL select statement'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const body = await client.coqlQuery(p.query, { signal });
    return { records: body?.data ?? [], info: body?.info ?? { count: 0, more_records: false } };
  },
  summarize: (p) => `Run a COQL query: ${p.query.length > 120 ? `${p.query.slice(0, 117)}...` : p.query}`,
});
