import type { Config } from '../config.ts';
import { oneLine } from './diagnose.ts';
import { fail, pass, type CheckLine } from './check-line.ts';

/** With AUTH_JWKS_URL: the identity provider's key set answers, and which algorithms its keys are for. */
export async function checkJwks(config: Config, doFetch: typeof fetch = fetch): Promise<CheckLine | undefined> {
  const jwks = config.auth.jwks;
  if (!jwks) return undefined;
  const name = 'identity provider keys';
  const fix = 'check that AUTH_JWKS_URL is the provider\'s JWKS document (often /.well-known/jwks.json) and reachable from this host';
  try {
    const response = await doFetch(jwks.url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(5000) });
    if (response.status !== 200) return fail(name, `${jwks.url} answered HTTP ${response.status}`, fix);
    const body = (await response.json()) as { keys?: Array<{ alg?: unknown; kty?: unknown }> };
    const keys = Array.isArray(body?.keys) ? body.keys : [];
    if (keys.length === 0) return fail(name, `${jwks.url} lists no keys`, fix);
    const algs = [...new Set(keys.map((k) => String(k.alg ?? `${String(k.kty)} (no alg)`)))].join(', ');
    const claims = [jwks.issuer && `iss ${jwks.issuer}`, jwks.audience && `aud ${jwks.audience.join(' or ')}`].filter(Boolean).join(', ');
    return pass(name, `${keys.length} key${keys.length === 1 ? '' : 's'} (${algs}) from ${jwks.url}${claims ? `; tokens must carry ${claims}` : ''}`);
  } catch (error) {
    return fail(name, `${jwks.url} could not be fetched: ${oneLine((error as Error).message)}`, fix);
  }
}
