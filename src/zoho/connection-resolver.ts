import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ConnectionStore, ZohoConnection } from './connection-store.ts';
import { isAllowedApiDomain, type HostOverrides } from './data-centres.ts';
import type { OAuthClients } from './oauth-clients.ts';

/** Refresh when `now >= tokenExpiresAt - 120 s` (DESIGN.md). */
export const REFRESH_BUFFER_SECONDS = 120;

export interface ConnectionResolverDeps {
  store: ConnectionStore;
  /** The client that refreshes a connection's token: its Self Client's, else the deployment's. */
  clients: Pick<OAuthClients, 'forConnection'>;
  overrides: HostOverrides;
  logger: Logger;
  /** Where a user goes to connect Zoho (sent with ZOHO_NOT_CONNECTED). */
  connectUrl: string;
  now?: () => number;
  /** How long one instance may hold the refresh lease; longer than the token request's timeout. */
  leaseMs?: number;
  pollMs?: number;
}

/** A caller's own deadline or cancellation: it stops waiting for a refresh, the refresh goes on. */
export interface WaitOptions {
  signal?: AbortSignal;
}

export interface ConnectionResolver {
  /** The user's connection with a token valid for at least 120 s, refreshed and written back first if due. */
  getZohoConnection(userId: string, options?: WaitOptions): Promise<ZohoConnection>;
  /** Zoho rejected `connection`'s access token: refresh once (shared by every caller who saw that token). */
  refreshAfterRejection(connection: ZohoConnection, options?: WaitOptions): Promise<ZohoConnection>;
  markNeedsReconnect(connection: ZohoConnection): Promise<void>;
}

/**
 * The retrieval chain. One refresh request for any number of concurrent callers: in one process
 * through a shared promise per connection, across processes through a lease on the row that only
 * one instance can take; the others wait for the row to change. Each caller waits for the shared
 * refresh only until its own signal (a tool call's deadline): the refresh itself goes on for the
 * callers still waiting, and for the next ones, until it succeeds or its own timeout gives up.
 */
export function createConnectionResolver(deps: ConnectionResolverDeps): ConnectionResolver {
  const now = deps.now ?? Date.now;
  const leaseMs = deps.leaseMs ?? 15_000;
  const pollMs = deps.pollMs ?? 50;
  const inFlight = new Map<string, Promise<ZohoConnection>>();

  const needsRefresh = (c: ZohoConnection) => now() / 1000 >= c.tokenExpiresAt - REFRESH_BUFFER_SECONDS;

  function singleFlight(connection: ZohoConnection, forced: boolean): Promise<ZohoConnection> {
    const key = `${connection.id}:${forced ? connection.version : 'due'}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = refreshAcrossInstances(connection, forced).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  async function refreshAcrossInstances(seen: ZohoConnection, forced: boolean): Promise<ZohoConnection> {
    const deadline = now() + leaseMs * 2;
    for (;;) {
      const need = forced
        ? { staleVersion: seen.version }
        : { expiresBefore: Math.floor(now() / 1000) + REFRESH_BUFFER_SECONDS + 1 };
      const leased = await deps.store.tryTakeRefreshLease(seen.id, now(), leaseMs, need);
      if (leased) return refreshHoldingLease(leased);
      const latest = await deps.store.findById(seen.id);
      if (!latest) throw notConnected(deps.connectUrl);
      if (latest.status === 'needs_reconnect') throw reconnectRequired(deps.connectUrl);
      const done = forced ? latest.version !== seen.version : !needsRefresh(latest);
      if (done) return latest;
      if (now() > deadline) throw new AppError('ZOHO_UNAVAILABLE', 'Timed out waiting for another instance to refresh the Zoho token.');
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async function refreshHoldingLease(connection: ZohoConnection): Promise<ZohoConnection> {
    let tokens;
    try {
      tokens = await deps.clients.forConnection(connection).refreshTokens(connection.accountsServer, connection.refreshToken);
    } catch (error) {
      if (error instanceof AppError && error.code === 'ZOHO_RECONNECT_REQUIRED') {
        await deps.store.markNeedsReconnect(connection.id);
        deps.logger.warn('zoho.refresh.dead_grant', { connectionId: connection.id, userId: connection.appUserId });
        throw reconnectRequired(deps.connectUrl, error);
      }
      await deps.store.releaseRefreshLease(connection.id);
      throw error;
    }
    const apiDomain = tokens.apiDomain ?? connection.apiDomain;
    if (!isAllowedApiDomain(apiDomain, deps.overrides)) {
      await deps.store.releaseRefreshLease(connection.id);
      throw new AppError('ZOHO_UNAVAILABLE', 'Zoho answered a refresh with an api_domain that is not a Zoho API host.');
    }
    const saved = await deps.store.saveRefreshedToken(connection, {
      accessToken: tokens.accessToken,
      tokenExpiresAt: Math.floor(now() / 1000) + tokens.expiresIn,
      apiDomain,
    });
    if (!saved) throw new AppError('ZOHO_UNAVAILABLE', 'The Zoho connection changed while its token was refreshed; try again.');
    deps.logger.info('zoho.refresh.ok', { connectionId: connection.id, userId: connection.appUserId });
    return saved;
  }

  return {
    async getZohoConnection(userId, options = {}) {
      const connection = await deps.store.findCurrentForUser(userId);
      if (!connection) throw notConnected(deps.connectUrl);
      if (connection.status === 'needs_reconnect') throw reconnectRequired(deps.connectUrl);
      return needsRefresh(connection) ? untilAborted(singleFlight(connection, false), options.signal) : connection;
    },
    refreshAfterRejection: (connection, options = {}) => untilAborted(singleFlight(connection, true), options.signal),
    async markNeedsReconnect(connection) {
      await deps.store.markNeedsReconnect(connection.id);
    },
  };
}

/** `shared`'s outcome, or `signal`'s reason once it aborts first; `shared` goes on either way. */
function untilAborted<T>(shared: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return shared;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function notConnected(connectUrl: string): AppError {
  return new AppError('ZOHO_NOT_CONNECTED', 'Zoho is not connected for this user; connect it first.', {
    details: { connectUrl, method: 'POST' },
  });
}

export function reconnectRequired(connectUrl: string, cause?: unknown): AppError {
  return new AppError('ZOHO_RECONNECT_REQUIRED', 'The Zoho connection stopped working; connect Zoho again.', {
    details: { connectUrl, method: 'POST' },
    cause,
  });
}
