import type { z } from 'zod';
import type { AnyTool } from './define-tool.ts';

export interface FieldError {
  field: string;
  message: string;
}

export type Validation = { ok: true; params: Record<string, unknown> } | { ok: false; errors: FieldError[] };

/** Validates params against a tool's schema, with errors as `{field, message}` (what models and clients read). */
export function validateParams(tool: AnyTool, params: unknown): Validation {
  const result = tool.input.safeParse(params);
  if (result.success) return { ok: true, params: result.data as Record<string, unknown> };
  return { ok: false, errors: toFieldErrors(result.error) };
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(params)',
    message: issue.code === 'unrecognized_keys' ? `unknown keys: ${issue.keys.join(', ')}` : issue.message,
  }));
}

/** `- field: message` lines, the form models repair best from. */
export const describeFieldErrors = (errors: FieldError[]) => errors.map((e) => `- ${e.field}: ${e.message}`).join('\n');
