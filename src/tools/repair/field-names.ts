import type { CrmFieldName } from './field-catalog.ts';

export interface Rename {
  from: string;
  to: string;
}

const squash = (name: string) => name.toLowerCase().replace(/[\s_\-.]+/g, '');

/**
 * Zoho CRM silently ignores unknown keys in a record, so `last_name` or `"Last Name"` (the label)
 * would be dropped without an error. Map a key that matches a field's API name but for case, or
 * one of its labels, to the API name; keep keys that match nothing (Zoho will say what is wrong).
 */
export function fixFieldName(name: string, fields: CrmFieldName[]): string {
  if (fields.some((f) => f.apiName === name)) return name;
  const lower = name.toLowerCase();
  const byCase = fields.filter((f) => f.apiName.toLowerCase() === lower);
  if (byCase.length === 1) return byCase[0]!.apiName;
  const key = squash(name);
  const byLabel = fields.filter((f) => squash(f.apiName) === key || f.labels.some((l) => squash(l) === key));
  return byLabel.length === 1 ? byLabel[0]!.apiName : name;
}

/** Renames the keys of a record; `renames` lists what changed. */
export function fixRecordFieldNames(record: Record<string, unknown>, fields: CrmFieldName[]) {
  const renames: Rename[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const fixed = fixFieldName(key, fields);
    if (fixed !== key) renames.push({ from: key, to: fixed });
    if (!(fixed in out) || fixed === key) out[fixed] = value;
  }
  return { record: out, renames };
}
