import { REFRESH_BUFFER_SECONDS } from '../zoho/connection-resolver.ts';
import type { ZohoConnection } from '../zoho/connection-store.ts';
import { CONNECT_FIX, diagnose, RECONNECT_FIX } from './diagnose.ts';
import { fail, pass, type CheckLine, type DoctorRuntime } from './check-line.ts';

/** A check that, when it passes, hands the connection on to the next one. */
export interface ConnectionStep {
  line: CheckLine;
  connection?: ZohoConnection;
}

/** The connection the user's tool calls would use (the newest active one), and its status. */
export async function checkConnectionRow(runtime: DoctorRuntime, userId: string): Promise<ConnectionStep> {
  const name = 'Zoho connection';
  let connection: ZohoConnection | undefined;
  try {
    connection = await runtime.store.findCurrentForUser(userId);
  } catch (error) {
    const { detail, fix } = diagnose(error);
    return { line: fail(name, detail, fix) };
  }
  if (!connection) return { line: fail(name, `no connection for user ${JSON.stringify(userId)}`, CONNECT_FIX) };
  const client = connection.clientCredentials ? ', imported with a Self Client (it refreshes the token)' : '';
  const who = `${connection.email ?? `Zoho user ${connection.zohoUserId}`}, dc ${connection.dc}, id ${connection.id}${client}`;
  if (connection.status === 'needs_reconnect') {
    return { line: fail(name, `needs_reconnect, Zoho stopped accepting its tokens: ${who}`, RECONNECT_FIX) };
  }
  return { line: pass(name, `active: ${who}`), connection };
}

/**
 * The access token must outlive the 120 s refresh buffer. Goes through the resolver, so a token
 * that is due gets refreshed and written back exactly as a tool call would do it.
 */
export async function checkTokenExpiry(
  runtime: DoctorRuntime,
  connection: ZohoConnection,
  now: () => number,
): Promise<ConnectionStep> {
  const name = 'token expiry';
  const nowSec = Math.floor(now() / 1000);
  const due = nowSec >= connection.tokenExpiresAt - REFRESH_BUFFER_SECONDS;
  const before = expiryText(connection.tokenExpiresAt, nowSec);
  if (due && !runtime.oauth && !connection.clientCredentials) {
    return {
      line: fail(name, `${before} and cannot be refreshed: the Zoho OAuth client is not configured`, 'set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET of the client the user connected with'),
    };
  }
  let fresh: ZohoConnection;
  try {
    fresh = await runtime.resolver.getZohoConnection(connection.appUserId);
  } catch (error) {
    const { detail, fix } = diagnose(error);
    return { line: fail(name, `${before}; ${due ? 'the refresh failed: ' : ''}${detail}`, fix) };
  }
  const after = Math.floor(now() / 1000);
  if (fresh.tokenExpiresAt - REFRESH_BUFFER_SECONDS <= after) {
    return { line: fail(name, `still ${expiryText(fresh.tokenExpiresAt, after)} after a refresh`, `check this host's clock; then ${RECONNECT_FIX}`) };
  }
  const refreshed = fresh.tokenExpiresAt !== connection.tokenExpiresAt;
  const detail = refreshed ? `refreshed, it ${before}; now ${expiryText(fresh.tokenExpiresAt, after)}` : expiryText(fresh.tokenExpiresAt, after);
  return { line: pass(name, detail), connection: fresh };
}

/** `expires in 52 min, at 2025-01-01T10:00:00Z` or `expired 3 min ago, at …`. */
function expiryText(expiresAt: number, nowSec: number): string {
  const at = new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const left = expiresAt - nowSec;
  return left >= 0 ? `expires in ${duration(left)}, at ${at}` : `expired ${duration(-left)} ago, at ${at}`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
