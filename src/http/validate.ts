import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { isStorableText } from './storable-text.ts';

/** Parses a JSON body against a schema; a 400 naming each bad field otherwise. */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return validated(schema, parseJsonBody(await c.req.text()), 'body');
}

/** A body's JSON (empty is `{}`), refusing what no route accepts (see refuseHostileValues); a 400 otherwise. */
export function parseJsonBody(text: string): unknown {
  try {
    return text.trim() === '' ? {} : JSON.parse(text, refuseHostileValues);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('INVALID_REQUEST', 'The body is not valid JSON.');
  }
}

/** Checks a body, query or path against a schema; a 400 naming each bad field otherwise. */
export function validated<S extends z.ZodType>(schema: S, raw: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.') || `(${where})`, message: i.message }));
    throw new AppError('INVALID_REQUEST', `Invalid ${where}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, {
      details: { fields },
    });
  }
  return parsed.data;
}

/**
 * `__proto__` in a body is never data: refuse it before any object is built from it. Nor is text
 * the database cannot keep (a NUL, a lone surrogate): a 400 naming the field, not a 500 later.
 */
function refuseHostileValues(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new AppError('INVALID_REQUEST', 'The body has a "__proto__" key.');
  if (!isStorableText(key) || (typeof value === 'string' && !isStorableText(value))) {
    const field = JSON.stringify(key.slice(0, 40));
    throw new AppError('INVALID_REQUEST', `The body's ${field} holds a NUL character or a lone surrogate.`, {
      details: { fields: [{ field: key.slice(0, 40), message: 'must not hold a NUL character or a lone surrogate' }] },
    });
  }
  return value;
}
