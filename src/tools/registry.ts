import { z } from 'zod';
import type { AnyTool, ToolApp } from './define-tool.ts';

const NAME = /^(crm|desk|browser)_[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export interface ToolDescriptor {
  name: string;
  app: ToolApp;
  description: string;
  effect: AnyTool['effect'];
  inputSchema: Record<string, unknown>;
}

export interface ToolRegistry {
  get(name: string): AnyTool | undefined;
  list(): AnyTool[];
  /** `GET /api/tools` entries, JSON Schema computed once (zod v4's own output). */
  describe(): ToolDescriptor[];
  jsonSchemaOf(name: string): Record<string, unknown> | undefined;
}

/** Checks names (well-formed, app prefix, unique) at start-up and indexes the tools. */
export function createToolRegistry(tools: readonly AnyTool[]): ToolRegistry {
  const byName = new Map<string, AnyTool>();
  const schemas = new Map<string, Record<string, unknown>>();
  for (const tool of tools) {
    if (!NAME.test(tool.name)) throw new Error(`Tool name "${tool.name}" is not snake_case with a crm_/desk_/browser_ prefix.`);
    if (!tool.name.startsWith(`${tool.app}_`)) throw new Error(`Tool "${tool.name}" must start with its app "${tool.app}_".`);
    if (byName.has(tool.name)) throw new Error(`Tool "${tool.name}" is defined twice.`);
    byName.set(tool.name, tool);
    schemas.set(tool.name, z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
  }
  const descriptors = [...byName.values()].map((t) => ({
    name: t.name,
    app: t.app,
    description: t.description,
    effect: t.effect,
    inputSchema: schemas.get(t.name)!,
  }));
  return {
    get: (name) => byName.get(name),
    list: () => [...byName.values()],
    describe: () => descriptors,
    jsonSchemaOf: (name) => schemas.get(name),
  };
}
