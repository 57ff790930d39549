import type { CrmClient } from '../../zoho/crm-client.ts';
import { isPlainObject } from './parse-json-strings.ts';
import { toFieldNames, type FieldCatalog } from './field-catalog.ts';
import { fixFieldName, fixRecordFieldNames, type Rename } from './field-names.ts';

/**
 * For CRM tools that name fields (`record`, `fields`), puts each name in the API-name form the
 * module's metadata gives. Params without a `module` are returned as they are.
 */
export async function repairCrmFieldNames(
  params: Record<string, unknown>,
  context: { client: CrmClient; catalog: FieldCatalog; connectionId: string; signal?: AbortSignal },
): Promise<{ params: Record<string, unknown>; renames: Rename[] }> {
  const module = params.module;
  const hasNames = isPlainObject(params.record) || Array.isArray(params.fields);
  if (typeof module !== 'string' || !hasNames) return { params, renames: [] };
  const fields = await context.catalog.get(`${context.connectionId}:${module}`, async () =>
    toFieldNames(await context.client.getFields(module, { signal: context.signal })),
  );
  if (fields.length === 0) return { params, renames: [] };
  const out = { ...params };
  const renames: Rename[] = [];
  if (isPlainObject(params.record)) {
    const fixed = fixRecordFieldNames(params.record, fields);
    out.record = fixed.record;
    renames.push(...fixed.renames);
  }
  if (Array.isArray(params.fields)) {
    out.fields = params.fields.map((name) => {
      if (typeof name !== 'string') return name;
      const fixed = fixFieldName(name, fields);
      if (fixed !== name) renames.push({ from: name, to: fixed });
      return fixed;
    });
  }
  return { params: out, renames };
}
