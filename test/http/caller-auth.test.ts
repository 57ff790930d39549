import { createPublicKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/load-config.ts';
import { createCallerVerifier, type VerifyCaller } from '../../src/http/auth.ts';
import { createJwksKeys, type JwksKeysOptions } from '../../src/http/jwks-keys.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeJwks, type FakeJwks } from '../support/fake-jwks.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { startTestRuntime, TEST_JWT_SECRET } from '../support/test-runtime.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const codeOf = (p: Promise<unknown>) => p.then((v) => `ok:${String(v)}`, (e) => `${e.code}: ${e.message}`);

describe('callers authenticated by the host identity provider (JWKS)', () => {
  let idp: FakeJwks;
  const logger = createMemoryLogger();

  function verifier(options: { secret?: string; issuer?: string; audience?: string[]; keys?: Partial<JwksKeysOptions> } = {}): VerifyCaller {
    return createCallerVerifier({
      jwtSecret: options.secret,
      idp: {
        keys: createJwksKeys({ url: idp.url, logger, cooldownMs: 0, retryAfterFailureMs: 0, ...options.keys }),
        issuer: options.issuer,
        audience: options.audience,
      },
      logger,
    });
  }

  beforeAll(async () => {
    idp = await startFakeJwks();
  });
  afterAll(() => idp.close());
  beforeEach(() => {
    idp.mode = 'up';
    idp.fetches = 0;
  });

  it('accepts RS256, ES256 and EdDSA tokens signed by keys the provider publishes, with sub as the user id', async () => {
    const verify = verifier();
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
      const key = await idp.rotate(alg);
      expect(await verify(await idp.sign(key, { sub: `user-${alg}` }))).toBe(`user-${alg}`);
    }
  });

  it('follows a key rotation: a token with a new kid makes it fetch the key set again', async () => {
    const verify = verifier({ keys: { cooldownMs: 0 } });
    const old = idp.published()[0]!;
    expect(await verify(await idp.sign(old))).toBe('idp-user');
    const fetchesBefore = idp.fetches;
    const next = await idp.rotate('ES256', { replace: true });
    expect(await verify(await idp.sign(next, { sub: 'after-rotation' }))).toBe('after-rotation');
    expect(idp.fetches).toBe(fetchesBefore + 1);
    // The retired key is gone from the refetched set.
    expect(await codeOf(verify(await idp.sign(old)))).toMatch(/^UNAUTHORIZED/);
  });

  it('refetches for an unknown kid at most once per cooldown', async () => {
    const verify = verifier({ keys: { cooldownMs: 60_000 } });
    expect(await verify(await idp.sign(idp.published()[0]!))).toBe('idp-user');
    const stranger = await idp.unpublishedKey();
    const before = idp.fetches;
    for (let i = 0; i < 5; i++) expect(await codeOf(verify(await idp.sign(stranger)))).toMatch(/^UNAUTHORIZED/);
    expect(idp.fetches).toBe(before);
  });

  it('refuses a token whose iss or aud differ from the configured ones, and one without exp', async () => {
    const verify = verifier({ issuer: idp.issuer, audience: ['zoho-runtime'] });
    const key = idp.published()[0]!;
    expect(await verify(await idp.sign(key, {}, { audience: 'zoho-runtime' }))).toBe('idp-user');
    expect(await codeOf(verify(await idp.sign(key, {}, { audience: 'another-app' })))).toMatch(/^UNAUTHORIZED/);
    expect(await codeOf(verify(await idp.sign(key, {}, { audience: 'zoho-runtime', issuer: 'https://evil.example/' })))).toMatch(/^UNAUTHORIZED/);
    expect(await codeOf(verify(await idp.sign(key, {}, { audience: 'zoho-runtime', issuer: null })))).toMatch(/^UNAUTHORIZED/);
    const noExp = await new SignJWT({ aud: 'zoho-runtime' }).setProtectedHeader({ alg: key.alg, kid: key.kid }).setIssuer(idp.issuer).setSubject('x')
      .sign(key.privateKey);
    expect(await codeOf(verify(noExp))).toMatch(/^UNAUTHORIZED/);
  });

  it('bounds clock skew to a minute', async () => {
    const verify = verifier();
    const key = idp.published()[0]!;
    const now = Math.floor(Date.now() / 1000);
    expect(await verify(await idp.sign(key, { exp: now - 30 }))).toBe('idp-user');
    expect(await codeOf(verify(await idp.sign(key, { exp: now - 120 })))).toMatch(/^UNAUTHORIZED/);
    expect(await codeOf(verify(await idp.sign(key, { nbf: now + 120 })))).toMatch(/^UNAUTHORIZED/);
  });

  it('refuses alg none and an HS256 token signed with the provider\'s public key', async () => {
    const key = idp.published()[0]!;
    const pem = createPublicKey({ key: key.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    const confused = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: key.kid }).setSubject('mallory').setIssuer(idp.issuer)
      .setExpirationTime('5m').sign(new TextEncoder().encode(pem));
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    for (const verify of [verifier(), verifier({ secret: TEST_JWT_SECRET })]) {
      expect(await codeOf(verify(confused))).toMatch(/^UNAUTHORIZED/);
      expect(await codeOf(verify(none))).toMatch(/^UNAUTHORIZED/);
    }
    // Signed by a key the provider never published, while claiming a published kid.
    const impostor = await idp.unpublishedKey();
    expect(await codeOf(verifier()(await idp.sign({ ...impostor, kid: key.kid }))))
      .toMatch(/^UNAUTHORIZED/);
  });

  it.each(['error', 'drop'] as const)('keeps verifying with the cached keys while the provider is down (%s), asking it again only now and then', async (mode) => {
    const verify = verifier({ keys: { cacheMaxAgeMs: 50, retryAfterFailureMs: 60_000 } });
    const key = idp.published()[0]!;
    expect(await verify(await idp.sign(key, { sub: 'before' }))).toBe('before');
    idp.mode = mode;
    await sleep(80); // the cached set is now older than cacheMaxAge: jose alone would refetch and fail
    const before = idp.fetches;
    for (let i = 0; i < 5; i++) expect(await verify(await idp.sign(key, { sub: `during-${mode}` }))).toBe(`during-${mode}`);
    expect(idp.fetches - before).toBe(1);
    expect(logger.lines.some((l) => l.includes('auth.jwks.unavailable'))).toBe(true);
  });

  it('says the provider cannot be reached when it never answered, instead of calling the token bad', async () => {
    idp.mode = 'error';
    const message = await codeOf(verifier()(await idp.sign(idp.published()[0]!)));
    expect(message).toMatch(/^UNAUTHORIZED: The identity provider's signing keys could not be fetched/);
  });

  it('accepts the deployment\'s HS256 tokens beside the provider\'s, and refuses them without a secret', async () => {
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('local-user').setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect(await verifier({ secret: TEST_JWT_SECRET })(hs)).toBe('local-user');
    expect(await codeOf(verifier()(hs))).toMatch(/^UNAUTHORIZED/);
  });
});

describe('the runtime with AUTH_JWKS_URL', () => {
  let idp: FakeJwks;
  let zoho: FakeZoho;
  const [database] = testDatabases();

  beforeAll(async () => {
    idp = await startFakeJwks();
    zoho = await startFakeZoho();
  });
  afterAll(async () => {
    await idp.close();
    await zoho.close();
  });
  afterEach(() => {
    idp.mode = 'up';
  });

  it('serves /api to a caller holding the identity provider\'s token, and refuses a bad one', async () => {
    const db = database!.create();
    const t = await startTestRuntime({
      fake: zoho,
      database: db.options,
      env: { AUTH_JWKS_URL: idp.url, AUTH_JWT_ISSUER: idp.issuer, AUTH_JWT_AUDIENCE: 'runtime,other' },
    });
    try {
      const token = await idp.sign(idp.published()[0]!, { sub: 'carol' }, { audience: 'runtime' });
      const ok = await t.request('/api/connections', { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ connections: [] });
      const wrongAud = await idp.sign(idp.published()[0]!, { sub: 'carol' }, { audience: 'elsewhere' });
      const refused = await t.request('/api/connections', { headers: { authorization: `Bearer ${wrongAud}` } });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as any).error.code).toBe('UNAUTHORIZED');
      // The deployment's own HS256 tokens still work beside it.
      expect((await t.request('/api/connections', { user: 'dave' })).status).toBe(200);
    } finally {
      await t.close();
      await db.drop();
    }
  });

  it('starts in production with AUTH_JWKS_URL and no AUTH_JWT_SECRET, and without it names the missing secret', () => {
    const base = { NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
    const config = loadConfig({ environment: { ...base, AUTH_JWKS_URL: idp.url } });
    expect(config.auth.jwtSecret).toBeUndefined();
    expect(config.auth.jwks?.url).toBe(idp.url);
    expect(config.auth.stateSigningKey).toMatch(/^[\w-]{43}$/);
    expect(() => loadConfig({ environment: base })).toThrow(/Missing required secret AUTH_JWT_SECRET/);
  });
});
