import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zohoConnections } from '../../src/db/schema.ts';
import { DEFAULT_ZOHO_SCOPES } from '../../src/config.ts';
import { checkJwks } from '../../src/doctor/auth-checks.ts';
import { runDoctor, type CheckLine } from '../../src/doctor/checks.ts';
import { checkEnvironment } from '../../src/doctor/env-checks.ts';
import { selfClientGuide } from '../../src/doctor/self-client-guide.ts';
import { loadConfig } from '../../src/load-config.ts';
import { startFakeJwks, type FakeJwks } from '../support/fake-jwks.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { formatReport } from '../../src/doctor/format.ts';
import { testDatabases } from '../support/databases.ts';
import type { FakeZoho } from '../support/fake-zoho.ts';
import { connectThroughOAuth, TEST_JWT_SECRET, type TestRuntime } from '../support/test-runtime.ts';

const nowSec = () => Math.floor(Date.now() / 1000);
const line = (lines: CheckLine[], name: string) => lines.find((l) => l.name === name);

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const MAIN = fileURLToPath(new URL('../../src/doctor/main.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `node --import tsx src/doctor/main.ts` in an empty directory (no .env, no .data/) with exactly `env`. */
function runCli(cwd: string, env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const CLI_SECRETS = {
  ZOHO_CLIENT_SECRET: 'doctor-test-client-secret',
  OPENROUTER_API_KEY: 'sk-or-doctor-test-key',
  AUTH_JWT_SECRET: TEST_JWT_SECRET,
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

// The CLI runs start first and go on in the background: PGlite's start-up in a child is slow, so
// it overlaps the in-process tests instead of adding to them.
// A child's PGlite start-up took over a minute when the machine ran several suites at once (load 20+).
const CLI_WAIT_MS = 180_000;
let cwd: string;
let cli: { allSet: Promise<CliRun>; badConfig: Promise<CliRun> };
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'doctor-cli-'));
  const base = { NODE_ENV: 'test', PGLITE_DIR: 'memory://' };
  cli = {
    allSet: runCli(cwd, { ...base, ...CLI_SECRETS, ZOHO_CLIENT_ID: 'doctor-test-client-id' }),
    badConfig: runCli(cwd, { ...base, TOKEN_ENCRYPTION_KEY: 'not-32-bytes-of-base64' }),
  };
});
afterAll(async () => {
  await Promise.all([cli.allSet, cli.badConfig]);
  rmSync(cwd, { recursive: true, force: true });
}, CLI_WAIT_MS);

describe.each(testDatabases())('runDoctor on $name', (database) => {
  const shared = sharedRuntime(database, [
    { zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] },
    { zuid: '70003', email: 'nodesk@example.com', orgId: '9003', deskOrgIds: [] },
  ], 'doctor-user');
  let fake: FakeZoho;
  let t: TestRuntime;
  let user: string;
  let n = 0;

  // One runtime for the block; each test gets its own freshly connected app user.
  beforeEach(async () => {
    ({ fake, t, user } = shared);
    n++;
    await connectThroughOAuth(t, fake, user, '70001');
  });

  const doctor = (userId?: string) => runDoctor(t.runtime, { userId });
  const rowOf = async (userId: string) => (await t.runtime.store.listForUser(userId))[0]!;
  const expireIn = (seconds: number) =>
    t.runtime.database.db.update(zohoConnections).set({ tokenExpiresAt: nowSec() + seconds }).where(eq(zohoConnections.appUserId, user));
  const tokensOf = async (userId: string) => {
    const row = await rowOf(userId);
    return [row.accessToken, row.refreshToken];
  };

  it('passes every check for a connected user, discovering the Desk org once', async () => {
    const first = await doctor(user);
    expect(first.map((l) => [l.name, l.ok])).toEqual([
      ['database reachable', true],
      ['migrations applied', true],
      ['Zoho connection', true],
      ['token expiry', true],
      ['CRM org id', true],
      ['Desk org id', true],
    ]);
    expect(line(first, 'CRM org id')!.detail).toContain('9001');
    expect(line(first, 'Desk org id')!.detail).toContain('discovered 555');
    expect((await rowOf(user)).deskOrgId).toBe('555');
    const second = await doctor(user);
    expect(second.every((l) => l.ok)).toBe(true);
    expect(line(second, 'Desk org id')!.detail).toContain('555');
    expect(line(second, 'Desk org id')!.detail).toContain('listed by GET /api/v1/organizations');
    expect(fake.counts.refreshes).toBe(0);
    const output = formatReport([...first, ...second]);
    for (const token of await tokensOf(user)) expect(output).not.toContain(token);
  });

  it('checks an imported Self Client connection the same way, saying it refreshes with its own client', async () => {
    const self = fake.addSelfClient();
    const { refreshToken } = fake.mintTokens('70001', { clientId: self.clientId });
    const imported = `doctor-import-${n}`;
    const res = await t.request('/api/connections/zoho/import', { method: 'POST', user: imported, body: JSON.stringify({ dc: 'com', refreshToken, ...self }) });
    expect(res.status).toBe(200);
    await t.runtime.database.db.update(zohoConnections).set({ tokenExpiresAt: nowSec() + 30 }).where(eq(zohoConnections.appUserId, imported));
    const lines = await doctor(imported);
    expect(lines.every((l) => l.ok)).toBe(true);
    expect(line(lines, 'Zoho connection')!.detail).toContain('imported with a Self Client');
    expect(line(lines, 'token expiry')!.detail).toContain('refreshed');
    expect(formatReport(lines)).not.toContain(self.clientSecret);
  });

  it('skips the connection checks without a user and says how to run them', async () => {
    const seen = fake.requests.length;
    const lines = await doctor();
    const last = lines.at(-1)!;
    expect(last.skipped).toBe(true);
    expect(last.detail).toContain('npm run doctor -- --user');
    expect(lines.every((l) => l.ok)).toBe(true);
    expect(fake.requests).toHaveLength(seen);
  });

  it('fails for a user without a connection and says how to connect', async () => {
    const lines = await doctor('nobody');
    const row = line(lines, 'Zoho connection')!;
    expect(row.ok).toBe(false);
    expect(row.detail).toContain('no connection');
    expect(row.fix).toContain('POST /api/connections/zoho');
    expect(lines.at(-1)!.skipped).toBe(true);
    expect(formatReport(lines)).toContain('✘ Zoho connection: no connection for user "nobody" → fix: connect Zoho: POST /api/connections/zoho');
  });

  it('refreshes a token that is due and reports it', async () => {
    await expireIn(60);
    const before = await tokensOf(user);
    const lines = await doctor(user);
    expect(fake.counts.refreshes).toBe(1);
    const token = line(lines, 'token expiry')!;
    expect(token.ok).toBe(true);
    expect(token.detail).toMatch(/^refreshed, it expires in \d+ s, at .*; now expires in (59|60) min, at /);
    expect(lines.every((l) => l.ok)).toBe(true);
    const output = formatReport(lines);
    for (const secret of [...before, ...(await tokensOf(user))]) expect(output).not.toContain(secret);
  });

  it('says to reconnect when the refresh token is dead, then reports the connection as needing it', async () => {
    await expireIn(10);
    fake.tokenEndpoint.mode = 'invalid_grant';
    const token = line(await doctor(user), 'token expiry')!;
    expect(token.ok).toBe(false);
    expect(token.detail).toContain('ZOHO_RECONNECT_REQUIRED');
    expect(token.fix).toContain('connect Zoho again: POST /api/connections/zoho');
    const again = await doctor(user);
    const row = line(again, 'Zoho connection')!;
    expect(row.ok).toBe(false);
    expect(row.detail).toMatch(/^needs_reconnect/);
    expect(row.fix).toContain('connect Zoho again');
    expect(fake.counts.refreshes).toBe(1);
  });

  it('says to wait when Zoho throttles the refresh', async () => {
    await expireIn(10);
    fake.tokenEndpoint.mode = 'access_denied';
    const token = line(await doctor(user), 'token expiry')!;
    expect(token.ok).toBe(false);
    expect(token.detail).toContain('ZOHO_RATE_LIMITED');
    expect(token.fix).toContain('wait 10 minutes');
    expect((await rowOf(user)).status).toBe('active');
  });

  it('fails the CRM org line when the token answers for another org', async () => {
    await t.runtime.store.setOrgIds((await rowOf(user)).id, { crmOrgId: '424242' });
    const crm = line(await doctor(user), 'CRM org id')!;
    expect(crm.ok).toBe(false);
    expect(crm.detail).toMatch(/^stored 424242, but GET \/crm\/v8\/org answers org 9001 \(zgid \d+\): the token was consented for another org$/);
    expect(crm.fix).toContain('connect Zoho again');
  });

  it('fails the Desk org line when the stored org is not one the token can use', async () => {
    await t.runtime.store.setOrgIds((await rowOf(user)).id, { deskOrgId: '999' });
    const desk = line(await doctor(user), 'Desk org id')!;
    expect(desk.ok).toBe(false);
    expect(desk.detail).toBe('stored 999, but GET /api/v1/organizations lists 555 for this token');
  });

  it('fails the Desk org line for a Zoho user without a Desk org', async () => {
    await connectThroughOAuth(t, fake, `${user}-nodesk`, '70003');
    const lines = await doctor(`${user}-nodesk`);
    expect(line(lines, 'CRM org id')!.ok).toBe(true);
    const desk = line(lines, 'Desk org id')!;
    expect(desk.ok).toBe(false);
    expect(desk.detail).toContain('lists no Desk org');
  });
});

describe('the doctor on Self Clients and identity providers', () => {
  let idp: FakeJwks;
  beforeAll(async () => {
    idp = await startFakeJwks();
  });
  afterAll(() => idp.close());

  it('explains the Self Client path step by step, with the scopes to give and Zoho\'s 20-refresh-token limit', () => {
    const guide = selfClientGuide(DEFAULT_ZOHO_SCOPES.split(','));
    for (const text of ['Self Client', 'Generate Code', DEFAULT_ZOHO_SCOPES, '/api/connections/zoho/import', '"clientSecret"', 'missingScopes', '20 refresh tokens', 'deletes the\n   oldest', '10\n   access tokens in 10 minutes']) {
      expect(guide).toContain(text);
    }
    expect(guide).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('accepts a production config without AUTH_JWT_SECRET when AUTH_JWKS_URL is set, and says so', () => {
    const prod = { NODE_ENV: 'production', ZOHO_CLIENT_ID: 'x', ZOHO_CLIENT_SECRET: 'y', OPENROUTER_API_KEY: 'z', TOKEN_ENCRYPTION_KEY: 'k' };
    const withIdp = checkEnvironment({ ...prod, AUTH_JWKS_URL: idp.url });
    expect(line(withIdp, 'env AUTH_JWT_SECRET')).toMatchObject({ ok: true, detail: expect.stringContaining('only the identity provider') });
    expect(line(withIdp, 'env AUTH_JWKS_URL')).toMatchObject({ ok: true, detail: expect.stringContaining('AUTH_JWT_ISSUER not set') });
    expect(line(checkEnvironment(prod), 'env AUTH_JWT_SECRET')).toMatchObject({ ok: false, fix: expect.stringContaining('AUTH_JWKS_URL') });
  });

  it('checks that the identity provider\'s key set answers, and says why when it does not', async () => {
    const config = loadConfig({ environment: { NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), AUTH_JWKS_URL: idp.url, AUTH_JWT_AUDIENCE: 'runtime' } });
    expect(await checkJwks(config)).toMatchObject({ ok: true, detail: expect.stringMatching(/1 key \(RS256\) from .*aud runtime/) });
    idp.mode = 'error';
    expect(await checkJwks(config)).toMatchObject({ ok: false, detail: expect.stringContaining('HTTP 503'), fix: expect.stringContaining('AUTH_JWKS_URL') });
    idp.mode = 'up';
  });
});

describe('npm run doctor (a child process)', () => {
  it('prints the env and database lines and exits 0 when everything is set', async () => {
    const run = await cli.allSet;
    expect(run.stdout).toContain('✔ env ZOHO_CLIENT_ID (set)');
    expect(run.stdout).toContain('✔ env ZOHO_REDIRECT_URI (not set; the default http://localhost:8080/auth/zoho/callback');
    expect(run.stdout).toContain('✔ database reachable (PGlite memory://)');
    expect(run.stdout).toMatch(/✔ migrations applied \((\d+) of \1,/);
    expect(run.stdout).toContain('npm run doctor -- --user');
    expect(run.code).toBe(0);
    for (const value of [...Object.values(CLI_SECRETS), 'doctor-test-client-id']) expect(run.stdout).not.toContain(value);
  }, CLI_WAIT_MS);

  it('prints a failed config line instead of crashing, and exits 1', async () => {
    const run = await cli.badConfig;
    expect(run.stdout).toContain('✘ env ZOHO_CLIENT_ID: missing');
    expect(run.stdout).toContain('✔ env AUTH_JWT_SECRET (not set; uses the development secret generated once into .data/secrets.json');
    expect(run.stdout).toContain('✘ config parses: Invalid configuration: TOKEN_ENCRYPTION_KEY: must be 32 bytes');
    expect(run.stdout).not.toContain('not-32-bytes-of-base64');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
  }, CLI_WAIT_MS);
});
