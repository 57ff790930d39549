// bench/caller-auth: what verifying a caller's JWT costs per request, in process: HS256 with the
// deployment's secret, and the identity provider's RS256 / ES256 / EdDSA tokens against its key set
// (cached after the first fetch), also while the provider is down (the last good key set serves).
import { SignJWT } from 'jose';
import { createCallerVerifier } from '../src/http/auth.ts';
import { createJwksKeys } from '../src/http/jwks-keys.ts';
import { createLogger } from '../src/log.ts';
import { startFakeJwks } from '../test/support/fake-jwks.ts';
import { median, ms, percentile, table, target } from './support/stats.ts';

const SAMPLES = Number(process.env.BENCH_AUTH_SAMPLES ?? 3000);
const SECRET = 'bench-secret-that-is-at-least-32-characters';

async function timeEach(verify: (token: string) => Promise<string>, token: string): Promise<number[]> {
  for (let i = 0; i < 200; i++) await verify(token); // warm up the key import and the JIT
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await verify(token);
    out.push(performance.now() - t0);
  }
  return out;
}

export async function runCallerAuthBench(): Promise<void> {
  console.log('\n== bench/caller-auth: verifying a caller\'s JWT, per request, in process ==');
  const idp = await startFakeJwks();
  try {
    const keys = { RS256: idp.published()[0]!, ES256: await idp.rotate('ES256'), EdDSA: await idp.rotate('EdDSA') };
    const verifier = (cacheMaxAgeMs?: number) => createCallerVerifier({
      jwtSecret: SECRET,
      idp: { keys: createJwksKeys({ url: idp.url, logger: createLogger(() => {}), cacheMaxAgeMs, retryAfterFailureMs: 60_000 }), issuer: idp.issuer },
      logger: createLogger(() => {}),
    });
    const verify = verifier();
    const shortCache = verifier(50);
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    const rows: Array<[string, number[]]> = [['HS256 (AUTH_JWT_SECRET)', await timeEach(verify, hs)]];
    for (const [alg, key] of Object.entries(keys)) rows.push([`${alg} (AUTH_JWKS_URL, cached keys)`, await timeEach(verify, await idp.sign(key, {}, { expiresIn: '1h' }))]);
    const rs = await idp.sign(keys.RS256, {}, { expiresIn: '1h' });
    await shortCache(rs);
    const fetchesBefore = idp.fetches;
    idp.mode = 'error';
    await new Promise((r) => setTimeout(r, 80)); // its cached set is stale now: jose alone would refetch before every verification
    rows.push(['RS256 while the provider is down', await timeEach(shortCache, rs)]);
    const fetchesWhileDown = idp.fetches - fetchesBefore;
    table(['token', 'p50', 'p99'], rows.map(([label, v]) => [label, ms(median(v)), ms(percentile(v, 99))]));
    console.log(`  key set fetches while the provider was down, over ${SAMPLES + 200} verifications: ${fetchesWhileDown}`);
    const worst = Math.max(...rows.map(([, v]) => median(v)));
    console.log(target('slowest verification p50', ms(worst), worst < 1, '< 1 ms: small next to a tool call'));
    console.log(target('provider outage', `${fetchesWhileDown} fetches`, fetchesWhileDown <= 1, 'at most 1 per 60 s, no latency per request'));
  } finally {
    await idp.close();
  }
}
