import type { z } from 'zod';
import type { CrmClient } from '../zoho/crm-client.ts';
import type { DeskClient } from '../zoho/desk-client.ts';
import type { AppType } from '../zoho/get-zoho-api.ts';

/** What running a tool does: `read` runs at once; `write` and `destroy` need approval in a chat. */
export type ToolEffect = 'read' | 'write' | 'destroy';

export type ClientFor<A extends AppType> = A extends 'crm' ? CrmClient : DeskClient;

/** What a tool's run function gets besides its params. */
export interface ToolContext<A extends AppType> {
  client: ClientFor<A>;
  signal?: AbortSignal;
}

export interface ToolDefinition<A extends AppType = AppType, S extends z.ZodObject = z.ZodObject> {
  /** `snake_case`, prefixed with the app: `crm_search_records`. */
  name: string;
  app: A;
  /** Written for a model: when to use it, the format of its params, a short example. */
  description: string;
  /** A strict object schema: unknown keys are refused. */
  input: S;
  effect: ToolEffect;
  run(params: z.infer<S>, context: ToolContext<A>): Promise<unknown>;
  /** One human sentence saying what this call will do (shown before approving a write). */
  summarize?(params: z.infer<S>): string;
}

/** Declares a tool; the identity function that gives a definition its types. */
export function defineTool<A extends AppType, S extends z.ZodObject>(definition: ToolDefinition<A, S>): ToolDefinition<A, S> {
  return definition;
}

/** A definition whose app and schema are not known statically (the registry's view). */
export type AnyTool = ToolDefinition<AppType, z.ZodObject>;
