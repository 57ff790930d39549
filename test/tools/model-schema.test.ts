import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { offeredTools } from '../../src/agent/offered-tools.ts';
import { toModelSchema, toStrictSchema } from '../../src/tools/model-schema.ts';
import { createToolRegistry } from '../../src/tools/registry.ts';
import { allTools } from '../../tools/index.ts';
import { schemaProblems, TOOL_NAME, type Provider } from '../support/fake-openrouter/schema-rules.ts';

const registry = createToolRegistry(allTools);
const everyApp = new Set(['crm', 'desk'] as const);
/** Measured on the 30 tools as sent before the schemas were made provider-neutral (docs/benchmarks.md). */
const BYTES_BEFORE = 27_751;
/** Those 30 tools: the catalogue has grown since, so they are compared like for like. */
const TOOLS_BEFORE = new Set([
  'crm_list_modules', 'crm_get_fields', 'crm_get_current_user', 'crm_get_org', 'crm_search_records', 'crm_list_records',
  'crm_get_record', 'crm_get_related_records', 'crm_coql_query', 'crm_create_record', 'crm_update_record', 'crm_upsert_record',
  'crm_delete_record', 'crm_list_notes', 'crm_add_note', 'desk_list_departments', 'desk_list_agents', 'desk_list_tickets',
  'desk_search_tickets', 'desk_get_ticket', 'desk_list_ticket_threads', 'desk_list_ticket_conversations', 'desk_create_ticket',
  'desk_update_ticket', 'desk_add_ticket_comment', 'desk_search_contacts', 'desk_get_contact', 'desk_create_contact',
  'desk_list_accounts', 'desk_get_account',
]);

/** Every property schema with its path, at any depth. */
function properties(schema: any, path = ''): Array<[string, any]> {
  return Object.entries<any>(schema.properties ?? {}).flatMap(([name, sub]) => [
    [`${path}${name}`, sub] as [string, any],
    ...properties(sub, `${path}${name}.`),
    ...(sub.items ? properties(sub.items, `${path}${name}[].`) : []),
  ]);
}

describe('the tool schemas sent to the model', () => {
  const offered = offeredTools(registry, everyApp);

  it.each<Provider>(['openai', 'anthropic', 'gemini'])('are accepted as they are by %s', (provider) => {
    for (const { function: f } of offered) {
      expect(f.name, f.name).toMatch(TOOL_NAME);
      expect(schemaProblems(provider, f.parameters as object), f.name).toEqual([]);
    }
  });

  it('are accepted by OpenAI strict mode where the tool can be strict, sent with strict: true', () => {
    const strict = offeredTools(registry, everyApp, true);
    const strictOnes = strict.filter((t) => (t.function as { strict?: boolean }).strict);
    expect(strictOnes.length).toBeGreaterThan(20);
    for (const { function: f } of strictOnes) expect(schemaProblems('openai-strict', f.parameters as object), f.name).toEqual([]);
    // A free-form record (field API names to values) cannot be a strict schema: those go as they are.
    const asIs = strict.filter((t) => !(t.function as { strict?: boolean }).strict).map((t) => t.function.name);
    expect(asIs).toEqual(expect.arrayContaining(['crm_create_record', 'crm_update_record', 'crm_upsert_record']));
    for (const { function: f } of strict.filter((t) => !(t.function as { strict?: boolean }).strict)) {
      expect(schemaProblems('openai', f.parameters as object), f.name).toEqual([]);
    }
  });

  it('would be refused by Gemini as zod writes them (the rules bite)', () => {
    const raw = z.toJSONSchema(registry.get('desk_update_ticket')!.input, { io: 'input' }) as any;
    const messages = schemaProblems('gemini', raw).map((p) => p.message).join('\n');
    expect(messages).toContain('Unknown name "$schema"');
    expect(messages).toContain('Unknown name "additionalProperties"');
    expect(messages).toContain("only 'enum' and 'date-time' are supported for STRING type");
    const record = z.toJSONSchema(registry.get('crm_create_record')!.input, { io: 'input' }) as any;
    expect(schemaProblems('gemini', record).map((p) => p.message).join('\n')).toContain('Unknown name "propertyNames"');
    expect(schemaProblems('anthropic', { anyOf: [{ required: ['a'] }], type: 'object' })).not.toEqual([]);
    expect(schemaProblems('openai-strict', { type: 'object', properties: { a: { type: 'string' } } })).toHaveLength(2);
  });

  it('describe every parameter, at every depth', () => {
    for (const d of registry.describe()) {
      for (const [path, schema] of properties(d.inputSchema)) expect(schema.description, `${d.name}: ${path}`).toBeTruthy();
    }
  });

  it('keep the tools array smaller than before, tool for tool, and ASCII', () => {
    const same = offered.filter((t) => TOOLS_BEFORE.has(t.function.name));
    expect(same).toHaveLength(TOOLS_BEFORE.size);
    expect(JSON.stringify(same).length).toBeLessThan(BYTES_BEFORE * 0.9);
    // The tools added since are held to no more than the old mean size per tool.
    const text = JSON.stringify(offered);
    expect(text.length / offered.length).toBeLessThan(BYTES_BEFORE / TOOLS_BEFORE.size);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('toModelSchema', () => {
  it('keeps date-time but not its regex, drops other formats, safe-integer bounds and minLength 1', () => {
    const schema = z.object({
      due: z.iso.datetime().describe('when'),
      email: z.email().describe('who'),
      page: z.number().int().min(1).describe('page'),
      name: z.string().min(1).max(80).describe('name'),
    }).strict();
    expect(toModelSchema(z.toJSONSchema(schema, { io: 'input' }) as any)).toEqual({
      type: 'object',
      properties: {
        due: { type: 'string', format: 'date-time', description: 'when' },
        email: { type: 'string', description: 'who' },
        page: { type: 'integer', minimum: 1, description: 'page' },
        name: { type: 'string', maxLength: 80, description: 'name' },
      },
      required: ['due', 'email', 'page', 'name'],
    });
  });

  it('makes a strict form with every field required and the optional ones nullable', () => {
    const neutral = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string', enum: ['x', 'y'] } }, required: ['a'] };
    expect(toStrictSchema(neutral)).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: ['string', 'null'], enum: ['x', 'y', null] } },
      required: ['a', 'b'],
      additionalProperties: false,
    });
    expect(toStrictSchema({ type: 'object', properties: { record: { type: 'object' } } })).toBeUndefined();
  });
});
