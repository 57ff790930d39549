import { isPlainObject } from './parse-json-strings.ts';
import { typesOf, type ObjectSchema, type PropertySchema } from './json-schema-types.ts';

/**
 * A model in OpenAI's strict mode (and some others) fills every optional field it does not use with
 * `null`. Treat such a `null` as absent, at every depth of an object the schema describes, unless
 * the schema itself allows null.
 */
export function dropNulls(params: unknown, schema: ObjectSchema): unknown {
  if (!isPlainObject(params)) return params;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const property: PropertySchema | undefined = schema.properties?.[key];
    if (value === null && !typesOf(property).has('null')) continue;
    out[key] = isPlainObject(value) && property?.properties ? dropNulls(value, property) : value;
  }
  return out;
}
