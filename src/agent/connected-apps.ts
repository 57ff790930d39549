import type { ConnectionStore } from '../zoho/connection-store.ts';
import type { AppType } from '../zoho/get-zoho-api.ts';

export interface ConnectedApps {
  apps: Set<AppType>;
  /** What the user must do first, when Zoho is missing or needs reconnecting. */
  action?: { code: 'ZOHO_NOT_CONNECTED' | 'ZOHO_RECONNECT_REQUIRED'; message: string; url: string; method: 'POST' };
}

/** Which apps the user's connection serves, read from its granted scopes (a chat only offers those tools). */
export async function readConnectedApps(store: ConnectionStore, userId: string, connectUrl: string): Promise<ConnectedApps> {
  const connection = await store.findCurrentGrantForUser(userId);
  if (!connection) {
    return { apps: new Set(), action: { code: 'ZOHO_NOT_CONNECTED', message: 'Connect your Zoho account to let the assistant work in Zoho.', url: connectUrl, method: 'POST' } };
  }
  if (connection.status === 'needs_reconnect') {
    return { apps: new Set(), action: { code: 'ZOHO_RECONNECT_REQUIRED', message: 'Your Zoho connection stopped working; connect Zoho again.', url: connectUrl, method: 'POST' } };
  }
  const apps = new Set<AppType>();
  if (connection.scopes.some((s) => s.toLowerCase().startsWith('zohocrm.'))) apps.add('crm');
  if (connection.scopes.some((s) => s.toLowerCase().startsWith('desk.'))) apps.add('desk');
  return { apps };
}

/**
 * The same read, started now so that it overlaps another wait before the run (its run slot): the run
 * awaits the promise; when the run never starts (no slot), the dropped promise rejects unhandled never.
 */
export function readConnectedAppsEarly(store: ConnectionStore, userId: string, connectUrl: string): Promise<ConnectedApps> {
  const read = readConnectedApps(store, userId, connectUrl);
  read.catch(() => {});
  return read;
}
