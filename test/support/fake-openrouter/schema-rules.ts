// What each provider OpenRouter routes to refuses in a function's `parameters`, as checks over a
// JSON Schema. The fake OpenRouter answers a `google/` model's request with Gemini's 400 when one
// fails; test/tools/model-schema.test.ts holds every offered schema to all of them.
// Each rule names its source: the provider's documentation, or the error it answers (quoted in
// public issues) where the documentation does not list the rule.

type Json = Record<string, any>;
export type Provider = 'openai' | 'openai-strict' | 'anthropic' | 'gemini';

/** One problem: where (a JSON path inside `parameters`) and what, in the provider's words where known. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** Every sub-schema with its path: properties, items, anyOf branches. */
function* nodes(schema: Json, path = 'parameters'): Generator<[Json, string]> {
  yield [schema, path];
  for (const [name, sub] of Object.entries<Json>(schema.properties ?? {})) yield* nodes(sub, `${path}.properties[${name}]`);
  if (schema.items && typeof schema.items === 'object') yield* nodes(schema.items, `${path}.items`);
  for (const [i, sub] of (schema.anyOf ?? []).entries()) yield* nodes(sub, `${path}.any_of[${i}]`);
}

// Gemini: function declarations take "a select subset of an OpenAPI 3.0 schema object"
// (ai.google.dev/api/caching#Schema); these are its fields. Anything else is refused with
// `Invalid JSON payload received. Unknown name "<key>" at '...': Cannot find field.` -- seen for
// `$schema`, `additionalProperties` and `propertyNames` (github.com/openswarm-ai/openswarm/issues/24).
const GEMINI_FIELDS = new Set(['type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems',
  'properties', 'required', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf',
  'propertyOrdering', 'default', 'items', 'minimum', 'maximum']);
// Gemini's Schema.type is one value of its Type enum (STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT, NULL), not a list.
const GEMINI_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

function gemini(schema: Json): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const [node, path] of nodes(schema)) {
    for (const key of Object.keys(node)) {
      if (!GEMINI_FIELDS.has(key)) problems.push({ path, message: `Invalid JSON payload received. Unknown name "${key}" at '${path}': Cannot find field.` });
    }
    if (node.type !== undefined && (typeof node.type !== 'string' || !GEMINI_TYPES.has(node.type))) {
      problems.push({ path: `${path}.type`, message: `Invalid value at '${path}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(node.type)}` });
    }
    // "format: only 'enum' and 'date-time' are supported for STRING type" (github.com/google-gemini/gemini-cli/issues/3178).
    if (node.type === 'string' && node.format !== undefined && node.format !== 'enum' && node.format !== 'date-time') {
      problems.push({ path: `${path}.format`, message: `${path}.format: only 'enum' and 'date-time' are supported for STRING type` });
    }
    // Schema.enum is a list of strings: a number in it is "Invalid value at '...enum[0]' (TYPE_STRING)"
    // (github.com/microsoft/azure-devops-mcp/issues/145).
    for (const [i, value] of (Array.isArray(node.enum) ? node.enum : []).entries()) {
      if (typeof value !== 'string') problems.push({ path: `${path}.enum[${i}]`, message: `Invalid value at '${path}.enum[${i}]' (TYPE_STRING), ${JSON.stringify(value)}` });
    }
    // "properties: only allowed for OBJECT type" (github.com/anomalyco/opencode/pull/11888).
    if (node.properties !== undefined && node.type !== 'object') problems.push({ path: `${path}.properties`, message: `${path}.properties: only allowed for OBJECT type` });
  }
  return problems;
}

// OpenAI: "Invalid schema for function '<name>': schema must have type 'object' and not have
// 'oneOf'/'anyOf'/'allOf'/'enum'/'not' at the top level." (github.com/langchain-ai/langchainjs/issues/9804).
function openaiTop(schema: Json): SchemaProblem[] {
  const bad = ['oneOf', 'anyOf', 'allOf', 'enum', 'not'].filter((k) => k in schema);
  return schema.type === 'object' && bad.length === 0
    ? []
    : [{ path: 'parameters', message: "schema must have type 'object' and not have 'oneOf'/'anyOf'/'allOf'/'enum'/'not' at the top level." }];
}

// OpenAI strict mode (platform.openai.com/docs/guides/structured-outputs, "Supported schemas"): these
// keywords, these string formats, `additionalProperties: false` on every object, every property
// required (an optional one is a union with null), at most 10 levels of nesting.
const STRICT_KEYWORDS = new Set(['type', 'description', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items',
  'anyOf', '$defs', '$ref', 'pattern', 'format', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'minItems', 'maxItems']);
const STRICT_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

function openaiStrict(schema: Json): SchemaProblem[] {
  const problems = openaiTop(schema);
  for (const [node, path] of nodes(schema)) {
    for (const key of Object.keys(node)) if (!STRICT_KEYWORDS.has(key)) problems.push({ path, message: `'${key}' is not permitted in strict mode` });
    if (node.format !== undefined && !STRICT_FORMATS.has(node.format)) problems.push({ path, message: `format '${node.format}' is not supported in strict mode` });
    const isObject = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
    if (isObject && node.additionalProperties !== false) problems.push({ path, message: "'additionalProperties' is required to be supplied and to be false" });
    const missing = Object.keys(node.properties ?? {}).filter((k) => !(node.required ?? []).includes(k));
    if (missing.length) problems.push({ path, message: `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'` });
    if (path.split('.properties[').length - 1 > 10) problems.push({ path, message: 'more than 10 levels of nesting' });
  }
  return problems;
}

// Anthropic: `input_schema` is a JSON Schema object whose root is `type: "object"`
// (docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use), and
// "input_schema does not support oneOf, allOf, or anyOf at the top level" (github.com/anthropics/claude-code/issues/27337).
function anthropic(schema: Json): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (schema.type !== 'object') problems.push({ path: 'parameters', message: 'input_schema: Input should be an object schema with type "object"' });
  if (['oneOf', 'allOf', 'anyOf'].some((k) => k in schema)) problems.push({ path: 'parameters', message: 'input_schema does not support oneOf, allOf, or anyOf at the top level' });
  return problems;
}

/** The problems `provider` finds in one function's `parameters`; [] when it accepts them as they are. */
export function schemaProblems(provider: Provider, parameters: Json): SchemaProblem[] {
  switch (provider) {
    case 'openai': return openaiTop(parameters);
    case 'openai-strict': return openaiStrict(parameters);
    case 'anthropic': return anthropic(parameters);
    case 'gemini': return gemini(parameters);
  }
}

// OpenAI and Anthropic: a function name is 1 to 64 of a-z, A-Z, 0-9, _ and - (OpenAI API reference,
// `function.name`; Anthropic tool `name` ^[a-zA-Z0-9_-]{1,64}$); Gemini allows dots too (Vertex AI FunctionDeclaration.name).
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
