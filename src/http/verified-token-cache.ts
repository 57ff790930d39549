/**
 * The deployment's own HS256 caller JWTs already verified by this instance, so a token sent on every request
 * is checked once a minute rather than on each (jose's header and claim parsing and the HMAC). A hit is the
 * same token string whose signature and claims were checked: it holds only what no other instance can change
 * (the secret is configuration; a token's claims are inside it), until the token's own `exp` and at most
 * `maxAgeMs`. The identity provider's tokens are not kept: it may withdraw a key at any moment.
 */
export interface VerifiedTokenCache {
  get(token: string, nowMs: number): string | undefined;
  set(token: string, sub: string, expiresAtMs: number, nowMs: number): void;
}

export function createVerifiedTokenCache(maxEntries = 10_000, maxAgeMs = 60_000): VerifiedTokenCache {
  const entries = new Map<string, { sub: string; until: number }>();
  return {
    get(token, nowMs) {
      const entry = entries.get(token);
      if (!entry) return undefined;
      if (nowMs < entry.until) return entry.sub;
      entries.delete(token);
      return undefined;
    },
    set(token, sub, expiresAtMs, nowMs) {
      if (!(expiresAtMs > nowMs)) return;
      // Oldest first (a Map keeps insertion order): a flood of distinct tokens cannot grow it without bound.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(token, { sub, until: Math.min(expiresAtMs, nowMs + maxAgeMs) });
    },
  };
}
