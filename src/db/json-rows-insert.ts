import { getTableColumns, getTableName, sql, type Column } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './database.ts';
import { toStorableJson } from './storable-columns.ts';

/**
 * A batch insert as one fixed statement: `insert into t (cols) select … from
 * json_to_recordset($1::json)`, the rows sent as one JSON text. drizzle's `insert().values(rows)`
 * builds its SQL anew for every batch, a parameter and several type checks per value (the bench
 * profile: 5.8% of the runtime's CPU under load, for the logs a chat leaves behind); here the text
 * is made once per table and a batch costs one JSON.stringify.
 *
 * Only `keys` are written, so every other column takes its default; a row's value goes through its
 * column's `mapToDriverValue` as drizzle would send it (json columns as their text, cast back).
 * A lone surrogate in a text value becomes U+FFFD, as the driver's UTF-8 encoding makes it; so does
 * a NUL (text PostgreSQL refuses: the whole batch failed before). A json value's own text keeps its
 * escapes, so jsonb takes or refuses it as it did.
 */
export function jsonRowsInsert<T extends PgTable, K extends keyof T['$inferInsert'] & string>(
  table: T, keys: readonly K[], options: { onConflictDoNothing?: boolean } = {},
) {
  const all = getTableColumns(table) as Record<string, Column>;
  const columns = keys.map((key) => ({ key, column: all[key]! }));
  const isJson = (c: Column) => c.getSQLType() === 'json' || c.getSQLType() === 'jsonb';
  const names = columns.map(({ column }) => `"${column.name}"`).join(', ');
  const picks = columns.map(({ column }) => (isJson(column) ? `"${column.name}"::${column.getSQLType()}` : `"${column.name}"`)).join(', ');
  const fields = columns.map(({ column }) => `"${column.name}" ${isJson(column) ? 'text' : column.getSQLType()}`).join(', ');
  const head = sql.raw(`insert into "${getTableName(table)}" (${names}) select ${picks} from json_to_recordset(`);
  const tail = sql.raw(`::json) as r(${fields})${options.onConflictDoNothing ? ' on conflict do nothing' : ''}`);

  const record = (row: T['$inferInsert']) => {
    const out: Record<string, unknown> = {};
    for (const { key, column } of columns) {
      const value = (row as Record<string, unknown>)[key];
      out[column.name] = value === null || value === undefined ? null : column.mapToDriverValue(value);
    }
    return out;
  };
  return (db: Db, rows: Array<T['$inferInsert']>) => db.execute(sql`${head}${toStorableJson(rows.map(record))}${tail}`);
}
