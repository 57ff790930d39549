import { isPlainObject } from './parse-json-strings.ts';
import { enumOf, type ObjectSchema } from './json-schema-types.ts';

/** Models change the case of enum values (`"asc"` vs `"ASC"`, `"open"` vs `"Open"`): map to the option that matches but for case. */
export function fixEnumCase(params: unknown, schema: ObjectSchema): unknown {
  if (!isPlainObject(params)) return params;
  const out: Record<string, unknown> = { ...params };
  for (const [key, value] of Object.entries(out)) {
    const options = enumOf(schema.properties?.[key]);
    if (typeof value !== 'string' || !options || options.includes(value)) continue;
    const match = options.find((o) => typeof o === 'string' && o.toLowerCase() === value.toLowerCase());
    if (match !== undefined) out[key] = match;
  }
  return out;
}
