import type postgres from 'postgres';
import { asDatabaseOutage, databaseUnavailable, isConnectionLoss } from './database-errors.ts';
import type { OutageGate } from './outage-gate.ts';

type Sql = postgres.Sql;
type Pending = postgres.PendingQuery<postgres.Row[]>;

/**
 * Settles with `query`, or with DATABASE_UNAVAILABLE once `timeoutMs` has passed: a client-side
 * deadline, because a server-side statement_timeout cannot fire when packets no longer flow.
 * The deadline stops our wait, not the query: one already sent is ended by statement_timeout (the
 * server answers) or by the socket watch (the connection is dropped); one a new connection waits on
 * fails with connect_timeout. It is not cancelled: postgres.js 3.4 leaves a connection whose first
 * query was cancelled stuck as "connecting", a pool slot lost for good.
 */
export function withDeadline<T>(query: Pending, timeoutMs: number, report: { lost(): void; missed(): void }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      report.missed();
      reject(databaseUnavailable(`The database did not answer within ${timeoutMs} ms; try again shortly.`));
    }, timeoutMs);
    query.then(
      (rows) => {
        clearTimeout(timer);
        resolve(rows as T);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // Reported even after the deadline: a socket dropped as dead rejects its queries late.
        if (isConnectionLoss(error)) report.lost();
        reject(asDatabaseOutage(error));
      },
    );
  });
}

/**
 * The postgres.js client as drizzle sees it (drizzle calls `unsafe`, `.values()` on the result,
 * `begin`, and reads `options`): each query passes the outage gate, then runs under the deadline.
 */
export function guardClient(sql: Sql, gate: OutageGate, queryTimeoutMs: number): Sql {
  const report = { lost: () => gate.connectionLost(), missed: () => gate.deadlineMissed() };
  const guarded = {
    options: sql.options,
    unsafe(query: string, params?: unknown[], queryOptions?: postgres.UnsafeQueryOptions) {
      gate.check();
      const pending = sql.unsafe(query, params as postgres.ParameterOrJSON<never>[], queryOptions) as Pending;
      const lazy = {
        values() {
          pending.values();
          return lazy;
        },
        then<A, B>(ok?: (rows: unknown) => A, fail?: (error: unknown) => B) {
          return withDeadline(pending, queryTimeoutMs, report).then(ok, fail);
        },
      };
      return lazy;
    },
    begin(...args: unknown[]) {
      gate.check();
      return (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
        if (isConnectionLoss(error)) gate.connectionLost();
        throw asDatabaseOutage(error);
      });
    },
  };
  return guarded as unknown as Sql;
}
