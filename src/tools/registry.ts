import { z } from 'zod';
import type { AnyTool, ToolApp } from './define-tool.ts';
import { toModelSchema, toStrictSchema, type JsonSchema } from './model-schema.ts';

const NAME = /^(crm|desk|browser)_[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export interface ToolDescriptor {
  name: string;
  app: ToolApp;
  description: string;
  effect: AnyTool['effect'];
  /** The one published schema: the model's, `GET /api/tools`' and MCP's (src/tools/model-schema.ts). */
  inputSchema: JsonSchema;
  /** OpenAI strict mode's form of it; undefined where the tool takes a free-form object. */
  strictSchema?: JsonSchema;
}

export interface ToolRegistry {
  get(name: string): AnyTool | undefined;
  list(): AnyTool[];
  /** `GET /api/tools` entries, JSON Schema computed once (zod v4's output made provider-neutral). */
  describe(): ToolDescriptor[];
  jsonSchemaOf(name: string): JsonSchema | undefined;
}

/** Checks names (well-formed, app prefix, unique) at start-up and indexes the tools. */
export function createToolRegistry(tools: readonly AnyTool[]): ToolRegistry {
  const byName = new Map<string, AnyTool>();
  const schemas = new Map<string, JsonSchema>();
  for (const tool of tools) {
    if (!NAME.test(tool.name)) throw new Error(`Tool name "${tool.name}" is not snake_case with a crm_/desk_/browser_ prefix.`);
    if (!tool.name.startsWith(`${tool.app}_`)) throw new Error(`Tool "${tool.name}" must start with its app "${tool.app}_".`);
    if (byName.has(tool.name)) throw new Error(`Tool "${tool.name}" is defined twice.`);
    byName.set(tool.name, tool);
    schemas.set(tool.name, toModelSchema(z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema));
  }
  const descriptors = [...byName.values()].map((t) => ({
    name: t.name,
    app: t.app,
    description: t.description,
    effect: t.effect,
    inputSchema: schemas.get(t.name)!,
    strictSchema: toStrictSchema(schemas.get(t.name)!),
  }));
  return {
    get: (name) => byName.get(name),
    list: () => [...byName.values()],
    describe: () => descriptors,
    jsonSchemaOf: (name) => schemas.get(name),
  };
}
