import type { z } from 'zod';
import type { BrowserClient } from '../browser/browser-client.ts';
import type { CrmClient } from '../zoho/crm-client.ts';
import type { DeskClient } from '../zoho/desk-client.ts';
import type { AppType } from '../zoho/get-zoho-api.ts';

/** What running a tool does: `read` runs at once; `write` and `destroy` need approval in a chat. */
export type ToolEffect = 'read' | 'write' | 'destroy';

/** What a tool runs against: a Zoho app's API, or the user's own Zoho web session (`browser`). */
export type ToolApp = AppType | 'browser';

export type ClientFor<A extends ToolApp> = A extends 'browser' ? BrowserClient : A extends 'crm' ? CrmClient : DeskClient;

/** What a tool's run function gets besides its params. */
export interface ToolContext<A extends ToolApp> {
  client: ClientFor<A>;
  signal?: AbortSignal;
  /** Facts for the call's line in the tool-call log (a browser call's URL); never secrets or page content. */
  audit?: (facts: { url: string }) => void;
}

export interface ToolDefinition<A extends ToolApp = ToolApp, S extends z.ZodObject = z.ZodObject> {
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
export function defineTool<A extends ToolApp, S extends z.ZodObject>(definition: ToolDefinition<A, S>): ToolDefinition<A, S> {
  return definition;
}

/** A definition whose app and schema are not known statically (the registry's view). */
export type AnyTool = ToolDefinition<ToolApp, z.ZodObject>;
