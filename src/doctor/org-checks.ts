import { AppError } from '../errors.ts';
import type { ZohoConnection } from '../zoho/connection-store.ts';
import { diagnose, RECONNECT_FIX } from './diagnose.ts';
import { fail, pass, type CheckLine, type DoctorRuntime } from './check-line.ts';

const NO_CRM_FIX = `ignore this if the user does not use Zoho CRM; otherwise ${RECONNECT_FIX} with a Zoho user of a CRM org`;
const NO_DESK_FIX = 'ignore this if the user does not use Zoho Desk; otherwise make the Zoho user an agent of a Desk org, then run again';

/** The stored CRM org id must be the org `GET /crm/v8/org` answers for this token. */
export async function checkCrmOrg(runtime: DoctorRuntime, connection: ZohoConnection): Promise<CheckLine> {
  const name = 'CRM org id';
  const stored = connection.crmOrgId;
  let org: { id?: unknown; zgid?: unknown } | undefined;
  try {
    const api = await runtime.getZohoApi(connection.appUserId, 'crm');
    org = (await api.client.getOrg())?.org?.[0];
  } catch (error) {
    const { detail, fix } = diagnose(error);
    return fail(name, `${stored ? `stored ${stored}` : 'not stored'}; GET /crm/v8/org failed: ${detail}`, stored ? fix : `${fix}; ignore this if the user does not use Zoho CRM`);
  }
  const id = org?.id == null ? undefined : String(org.id);
  const zgid = org?.zgid == null ? undefined : String(org.zgid);
  const answered = `org ${id ?? 'none'}${zgid && zgid !== id ? ` (zgid ${zgid})` : ''}`;
  if (!stored) {
    return id
      ? fail(name, `not stored, though GET /crm/v8/org answers ${answered}`, `${RECONNECT_FIX}: the connect flow reads and stores the CRM org id`)
      : fail(name, 'not stored, and GET /crm/v8/org answers no org', NO_CRM_FIX);
  }
  if (stored === id || stored === zgid) return pass(name, `${stored}, and GET /crm/v8/org answers it`);
  return fail(
    name,
    `stored ${stored}, but GET /crm/v8/org answers ${answered}: the token was consented for another org`,
    `${RECONNECT_FIX} and pick org ${stored} on Zoho's consent screen (or keep ${id ?? 'the new org'}: connecting again stores it)`,
  );
}

/**
 * A stored Desk org id must be one the token can use; without one, the first Desk call discovers
 * and stores it, so this check makes that call now (`getZohoApi(user, 'desk')`).
 */
export async function checkDeskOrg(runtime: DoctorRuntime, connection: ZohoConnection): Promise<CheckLine> {
  const name = 'Desk org id';
  const stored = connection.deskOrgId;
  if (!stored) return discoverDeskOrg(runtime, connection);
  let orgs;
  try {
    orgs = await runtime.listDeskOrganizations(connection.appUserId);
  } catch (error) {
    const { detail, fix } = diagnose(error);
    return fail(name, `stored ${stored}; GET /api/v1/organizations failed: ${detail}`, fix);
  }
  const match = orgs.find((o) => o.id === stored);
  if (match) return pass(name, `${stored}${match.name ? ` ${JSON.stringify(match.name)}` : ''}, listed by GET /api/v1/organizations`);
  const listed = orgs.length ? `lists ${orgs.map((o) => o.id).join(', ')}` : 'lists no org';
  return fail(
    name,
    `stored ${stored}, but GET /api/v1/organizations ${listed} for this token`,
    `make the Zoho user an agent of Desk org ${stored}; or connect Zoho again, which clears the stored id so the first Desk call discovers it again`,
  );
}

async function discoverDeskOrg(runtime: DoctorRuntime, connection: ZohoConnection): Promise<CheckLine> {
  const name = 'Desk org id';
  const pending = 'not stored yet, the first Desk call discovers it';
  try {
    await runtime.getZohoApi(connection.appUserId, 'desk');
  } catch (error) {
    if (error instanceof AppError && error.details?.reason === 'no_desk_org') {
      return fail(name, `${pending}; GET /api/v1/organizations lists no Desk org for this Zoho user`, NO_DESK_FIX);
    }
    const { detail, fix } = diagnose(error);
    return fail(name, `${pending}; discovery failed: ${detail}`, fix);
  }
  const discovered = (await runtime.store.findById(connection.id))?.deskOrgId;
  return discovered
    ? pass(name, `discovered ${discovered} from GET /api/v1/organizations and stored it, as the first Desk call would`)
    : fail(name, `${pending}; discovery answered but nothing was stored`, 'run the doctor again; if it persists, report it (a bug)');
}
