import { customType } from 'drizzle-orm/pg-core';

/**
 * JSON as PostgreSQL's jsonb keeps it. jsonb refuses `\u0000` and the escape of a lone surrogate,
 * which JSON.stringify writes for a NUL and for half of a surrogate pair (a whole pair it writes
 * as the character itself). Such text arrives from outside the edge checks: Zoho data in a tool
 * result, a model's tool-call arguments. Each becomes U+FFFD instead of failing the whole insert
 * (a batch of tool-call log rows, a paused chat run). A stored approval whose params changed this
 * way no longer matches its hash, so it is refused rather than run with other params.
 */
export function toStorableJson(value: unknown): string {
  return JSON.stringify(value).replace(/\\(\\|u0000|u[dD][89a-fA-F][0-9a-fA-F]{2})/g, (escape, what: string) => (what === '\\' ? escape : '\\ufffd'));
}

/**
 * A jsonb column written through toStorableJson. Read back as the drivers give it: postgres.js and
 * PGlite both parse jsonb already, so a string here is a stored JSON string, not JSON text to parse.
 */
export const storableJsonb = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => 'jsonb',
  toDriver: toStorableJson,
  fromDriver: (value) => value,
});

/** A text column for text from outside (a tool's result, a summary built from a model's params): NUL becomes U+FFFD. */
export const storableText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => value.replaceAll('\u0000', '\ufffd'),
});

/** Raw bytes (PostgreSQL `bytea`); postgres.js answers a Buffer, PGlite a Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });
