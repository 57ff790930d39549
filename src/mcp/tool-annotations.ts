import type { ToolEffect } from '../tools/define-tool.ts';

/** MCP's behaviour hints for a tool, read from its effect; every tool reaches Zoho, an open world. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * `read` changes nothing; `write` adds or changes data (a second create makes a second record, so
 * not idempotent); `destroy` deletes, and deleting twice leaves Zoho as deleting once did.
 */
export function toolAnnotations(effect: ToolEffect): ToolAnnotations {
  if (effect === 'read') return { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
  if (effect === 'destroy') return { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true };
  return { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };
}
