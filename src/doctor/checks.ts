import { checkConnectionRow, checkTokenExpiry } from './connection-checks.ts';
import { checkDatabase } from './database-checks.ts';
import { checkCrmOrg, checkDeskOrg } from './org-checks.ts';
import { skip, type CheckLine, type DoctorRuntime } from './check-line.ts';

export type { CheckLine, DoctorRuntime } from './check-line.ts';

export interface DoctorOptions {
  /** The app user whose Zoho connection to check; without it only the database is checked. */
  userId?: string;
  now?: () => number;
}

const USER_CHECKS = 'Zoho connection, token, CRM and Desk org';

/**
 * The database checks, then, for one user, the retrieval chain a tool call walks: connection row →
 * token (refreshed if due) → CRM org → Desk org. A failed step skips the ones that need it.
 */
export async function runDoctor(runtime: DoctorRuntime, options: DoctorOptions = {}): Promise<CheckLine[]> {
  const lines = await checkDatabase(runtime);
  const { userId } = options;
  if (!userId) return [...lines, skip(USER_CHECKS, 'skipped; run `npm run doctor -- --user <app user id>` to check them')];
  if (lines.some((l) => !l.ok)) return [...lines, skip(USER_CHECKS, 'skipped until the database checks pass')];

  const row = await checkConnectionRow(runtime, userId);
  lines.push(row.line);
  if (!row.connection) return [...lines, skip('token, CRM and Desk org', 'skipped until the user has a working connection')];

  const token = await checkTokenExpiry(runtime, row.connection, options.now ?? Date.now);
  lines.push(token.line);
  if (!token.connection) return [...lines, skip('CRM and Desk org', 'skipped until the token works')];

  lines.push(await checkCrmOrg(runtime, token.connection));
  lines.push(await checkDeskOrg(runtime, token.connection));
  return lines;
}
