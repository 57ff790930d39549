import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ToolDescriptor, ToolRegistry } from '../tools/registry.ts';
import type { AppType } from '../zoho/get-zoho-api.ts';

const cache = new WeakMap<ToolRegistry, Map<string, ChatCompletionFunctionTool[]>>();

/**
 * The OpenAI `tools` list for the apps the user connected, built once per app set. With `strict`
 * (OPENROUTER_STRICT_TOOLS, for OpenAI models) each tool that strict mode can describe is sent in
 * that form with `strict: true`; the others as they are.
 */
export function offeredTools(registry: ToolRegistry, apps: ReadonlySet<AppType>, strict = false): ChatCompletionFunctionTool[] {
  const key = `${[...apps].sort().join(',')}${strict ? ':strict' : ''}`;
  let perApps = cache.get(registry);
  if (!perApps) cache.set(registry, (perApps = new Map()));
  let tools = perApps.get(key);
  if (!tools) {
    tools = toolsForApps(registry, apps).map((t) => ({
      type: 'function' as const,
      function: strict && t.strictSchema
        ? { name: t.name, description: t.description, parameters: t.strictSchema, strict: true }
        : { name: t.name, description: t.description, parameters: t.inputSchema },
    }));
    perApps.set(key, tools);
  }
  return tools;
}

/** The tools a user with these connected apps is offered (a chat's model, an MCP client's `tools/list`). */
export function toolsForApps(registry: ToolRegistry, apps: ReadonlySet<AppType>): ToolDescriptor[] {
  // Browser tools work in whichever app is connected (their `app` param picks CRM or Desk).
  return registry.describe().filter((t) => (t.app === 'browser' ? apps.size > 0 : apps.has(t.app)));
}
