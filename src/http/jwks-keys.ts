import {
  createLocalJWKSet, createRemoteJWKSet, customFetch, jwksCache,
  type ExportedJWKSCache, type JSONWebKeySet, type JWKSCacheInput, type JWTVerifyGetKey,
} from 'jose';
import type { Logger } from '../log.ts';

export interface JwksKeysOptions {
  /** The identity provider's JWKS document (`AUTH_JWKS_URL`). */
  url: string;
  logger: Logger;
  fetch?: typeof fetch;
  /** How long a fetched key set counts as fresh (jose's `cacheMaxAge`). */
  cacheMaxAgeMs?: number;
  /** After a fetch, an unknown `kid` asks again no sooner than this (jose's `cooldownDuration`): the refetch rate limit. */
  cooldownMs?: number;
  timeoutMs?: number;
  /** After the provider failed to answer, the last good key set is used without asking again for this long. */
  retryAfterFailureMs?: number;
  now?: () => number;
}

/** The provider's key set could not be fetched and none was fetched before. */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
  constructor(cause: unknown) {
    super(`The identity provider's keys could not be fetched (${(cause as Error)?.message ?? 'no answer'}).`, { cause });
  }
}

/** jose errors that are about the token's header, not about fetching keys: never a reason to fall back. */
const KEY_SELECTION_ERRORS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED']);

/**
 * The host identity provider's signing keys. jose's remote key set fetches, caches, and refetches on
 * an unknown `kid` at most once per cooldown; but once its cache is older than `cacheMaxAge` it
 * refetches before every verification and fails when the provider is down. This keeps serving the
 * last good key set while the provider is down (a key it had signed with stays valid), and asks the
 * provider again only every `retryAfterFailureMs`, so an outage costs no latency per request.
 */
export function createJwksKeys(options: JwksKeysOptions): JWTVerifyGetKey {
  const now = options.now ?? Date.now;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 30_000;
  // jose writes every key set it fetched successfully into this object.
  const lastGood: Partial<ExportedJWKSCache> = {};
  const remote = createRemoteJWKSet(new URL(options.url), {
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
    [jwksCache]: lastGood as JWKSCacheInput,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });
  let stale: { jwks: JSONWebKeySet; keys: JWTVerifyGetKey } | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;

  const staleKeys = (): JWTVerifyGetKey | undefined => {
    if (!lastGood.jwks) return undefined;
    if (stale?.jwks !== lastGood.jwks) stale = { jwks: lastGood.jwks, keys: createLocalJWKSet(lastGood.jwks) };
    return stale.keys;
  };

  return async (header, token) => {
    const fallback = staleKeys();
    if (fallback && now() - failedAt < retryAfterFailureMs) return fallback(header, token);
    try {
      return await remote(header, token);
    } catch (error) {
      if (KEY_SELECTION_ERRORS.has((error as { code?: string })?.code ?? '')) throw error;
      if (!fallback) throw new JwksUnavailableError(error);
      failedAt = now();
      options.logger.warn('auth.jwks.unavailable', { message: (error as Error).message, usingKeysFetchedAt: lastGood.uat });
      return fallback(header, token);
    }
  };
}
