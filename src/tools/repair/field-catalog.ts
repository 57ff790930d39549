/** A CRM field as the name repair needs it. */
export interface CrmFieldName {
  apiName: string;
  labels: string[];
}

export interface FieldCatalog {
  /** The module's fields, from cache or `load` (Zoho's `GET /settings/fields`). */
  get(cacheKey: string, load: () => Promise<CrmFieldName[]>): Promise<CrmFieldName[]>;
}

/**
 * Field metadata per connection and module, cached for minutes: only a CRM admin changes it,
 * never another instance of ours, and a stale entry only makes a repair miss.
 */
export function createFieldCatalog(options: { ttlMs?: number; now?: () => number; maxEntries?: number } = {}): FieldCatalog {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 5_000;
  const entries = new Map<string, { at: number; fields: Promise<CrmFieldName[]> }>();
  return {
    get(cacheKey, load) {
      const hit = entries.get(cacheKey);
      if (hit && now() - hit.at < ttlMs) return hit.fields;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      const fields = load();
      entries.set(cacheKey, { at: now(), fields });
      fields.catch(() => entries.delete(cacheKey));
      return fields;
    },
  };
}

/** Reads Zoho's `{"fields":[{api_name, field_label, display_label}]}` answer. */
export function toFieldNames(body: any): CrmFieldName[] {
  const fields: any[] = Array.isArray(body?.fields) ? body.fields : [];
  return fields
    .filter((f) => typeof f?.api_name === 'string')
    .map((f) => ({ apiName: f.api_name, labels: [f.field_label, f.display_label].filter((l) => typeof l === 'string') }));
}
