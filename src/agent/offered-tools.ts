import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ToolRegistry } from '../tools/registry.ts';
import type { AppType } from '../zoho/get-zoho-api.ts';

const cache = new WeakMap<ToolRegistry, Map<string, ChatCompletionTool[]>>();

/** The OpenAI `tools` list for the apps the user connected, built once per app set. */
export function offeredTools(registry: ToolRegistry, apps: ReadonlySet<AppType>): ChatCompletionTool[] {
  const key = [...apps].sort().join(',');
  let perApps = cache.get(registry);
  if (!perApps) cache.set(registry, (perApps = new Map()));
  let tools = perApps.get(key);
  if (!tools) {
    // Browser tools work in whichever app is connected (their `app` param picks CRM or Desk).
    tools = registry.describe().filter((t) => (t.app === 'browser' ? apps.size > 0 : apps.has(t.app))).map((t) => ({
      type: 'function' as const,
      function: { name: t.name, description: t.description, parameters: t.inputSchema },
    }));
    perApps.set(key, tools);
  }
  return tools;
}
