import type { Runtime } from '../compose.ts';

/** One line of the doctor's checklist: `ok`, or the reason and the fix. Never carries a secret. */
export interface CheckLine {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Not run (no --user, or an earlier check failed); does not fail the run. */
  skipped?: boolean;
}

/** The parts of the runtime the doctor uses. */
export type DoctorRuntime = Pick<Runtime, 'config' | 'database' | 'store' | 'resolver' | 'getZohoApi' | 'listDeskOrganizations' | 'oauth'>;

export const pass = (name: string, detail: string): CheckLine => ({ name, ok: true, detail });

export const fail = (name: string, detail: string, fix: string): CheckLine => ({ name, ok: false, detail, fix });

export const skip = (name: string, detail: string): CheckLine => ({ name, ok: true, skipped: true, detail });
