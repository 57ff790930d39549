import { isDeepStrictEqual } from 'node:util';
import { coerceScalars } from './coerce-scalars.ts';
import { dropNulls } from './drop-nulls.ts';
import { fixEnumCase } from './enum-case.ts';
import type { ObjectSchema } from './json-schema-types.ts';
import { parseJsonStrings } from './parse-json-strings.ts';

/**
 * The schema-level fixes, in the order models need them: strings to JSON first (the whole params
 * may be one), then nulls as absent, then scalars, then enum case.
 */
const STEPS = [parseJsonStrings, dropNulls, coerceScalars, fixEnumCase] as const;

/** Applies every deterministic fix; `changed` tells whether any did something. */
export function repairAgainstSchema(params: unknown, schema: ObjectSchema): { params: unknown; changed: boolean } {
  const repaired = STEPS.reduce((p, step) => step(p, schema), params);
  return { params: repaired, changed: !isDeepStrictEqual(repaired, params) };
}
