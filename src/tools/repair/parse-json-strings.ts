import { typesOf, type ObjectSchema } from './json-schema-types.ts';

/**
 * Models often send an object or array param as a JSON string (`"record": "{\"Last_Name\":\"X\"}"`),
 * or the whole params object as one string. Parse those where the schema wants an object or array.
 */
export function parseJsonStrings(params: unknown, schema: ObjectSchema): unknown {
  if (typeof params === 'string') params = tryParse(params) ?? params;
  if (!isPlainObject(params)) return params;
  const out: Record<string, unknown> = { ...params };
  for (const [key, value] of Object.entries(out)) {
    const types = typesOf(schema.properties?.[key]);
    if (typeof value !== 'string' || !(types.has('object') || types.has('array'))) continue;
    const parsed = tryParse(value);
    if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) out[key] = parsed;
  }
  return out;
}

function tryParse(text: string): unknown {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
