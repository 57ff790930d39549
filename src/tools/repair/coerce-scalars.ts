import { isPlainObject } from './parse-json-strings.ts';
import { typesOf, type ObjectSchema } from './json-schema-types.ts';

/**
 * Models quote numbers and booleans (`"page": "2"`, `"isPublic": "false"`). Turn such strings into
 * the number or boolean the schema wants; anything that is not cleanly one stays as it was.
 */
export function coerceScalars(params: unknown, schema: ObjectSchema): unknown {
  if (!isPlainObject(params)) return params;
  const out: Record<string, unknown> = { ...params };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value !== 'string') continue;
    const types = typesOf(schema.properties?.[key]);
    if (types.has('string')) continue;
    const text = value.trim();
    if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(text)) out[key] = Number(text);
    else if (types.has('boolean') && /^(true|false)$/i.test(text)) out[key] = text.toLowerCase() === 'true';
  }
  return out;
}
