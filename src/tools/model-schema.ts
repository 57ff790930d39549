/**
 * The JSON Schema a tool publishes: to the model (every provider OpenRouter routes to), to
 * `GET /api/tools` and to MCP. zod's own output is a strict draft 2020-12 schema; providers accept
 * less of it (Gemini's function declarations take a subset of OpenAPI 3.0's Schema object), so this
 * keeps only keywords all of them accept, and drops what only costs tokens. Validation is never
 * weakened by it: the tool's strict zod schema still checks every call (unknown keys included).
 * The rules each provider holds us to are in test/support/fake-openrouter/schema-rules.ts.
 */
export type JsonSchema = Record<string, unknown>;

/** Keywords every provider accepts (Gemini's Schema fields are the narrowest list). */
const KEPT = new Set(['type', 'description', 'enum', 'properties', 'required', 'items', 'anyOf', 'minimum', 'maximum',
  'minItems', 'maxItems', 'minLength', 'maxLength', 'format', 'default']);

/** zod's bounds of a safe integer: true of every JS number, so they only cost tokens. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * The provider-neutral schema: no `$schema`, `additionalProperties` or `propertyNames` (Gemini
 * rejects them), no `pattern` (zod checks it and each description says it in words; it sat beside
 * `format` as a 256-character regex), only the `date-time` format (the one string format Gemini
 * takes besides `enum`), no safe-integer bounds, and no `minLength: 1`.
 */
export function toModelSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEPT.has(key)) continue;
    if (key === 'format' && value !== 'date-time') continue;
    if ((key === 'maximum' || key === 'minimum') && Math.abs(value as number) >= SAFE_INTEGER) continue;
    if (key === 'minLength' && value === 1) continue;
    if (key === 'properties') out[key] = mapValues(value as Record<string, JsonSchema>, toModelSchema);
    else if (key === 'items') out[key] = toModelSchema(value as JsonSchema);
    else if (key === 'anyOf') out[key] = (value as JsonSchema[]).map(toModelSchema);
    else out[key] = value;
  }
  return out;
}

/** Keywords OpenAI's strict mode takes, of those the neutral schema keeps (platform.openai.com structured outputs, "Supported properties"). */
const STRICT_KEPT = new Set(['type', 'description', 'enum', 'properties', 'required', 'items', 'anyOf', 'minimum', 'maximum',
  'minItems', 'maxItems', 'format']);

/**
 * OpenAI's strict mode (`strict: true` on a function): every object closed with
 * `additionalProperties: false` and every property required, an optional one made nullable (a
 * strict model sends `null` for it, which repair treats as absent). Undefined where the tool takes
 * a free-form object (a CRM record), which strict mode cannot describe: that tool is offered as is.
 */
export function toStrictSchema(neutral: JsonSchema): JsonSchema | undefined {
  const type = neutral.type;
  if (type === 'object' && !neutral.properties) return undefined;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(neutral)) if (STRICT_KEPT.has(key) && key !== 'properties' && key !== 'required') out[key] = value;
  if (neutral.items) {
    const items = toStrictSchema(neutral.items as JsonSchema);
    if (!items) return undefined;
    out.items = items;
  }
  if (type === 'object') {
    const required = new Set((neutral.required as string[] | undefined) ?? []);
    const properties: Record<string, JsonSchema> = {};
    for (const [name, property] of Object.entries(neutral.properties as Record<string, JsonSchema>)) {
      const strict = toStrictSchema(property);
      if (!strict) return undefined;
      properties[name] = required.has(name) ? strict : nullable(strict);
    }
    Object.assign(out, { properties, required: Object.keys(properties), additionalProperties: false });
  }
  return out;
}

function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema.type !== 'string') return { anyOf: [schema, { type: 'null' }] };
  const out: JsonSchema = { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
  return out;
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}
