// `npm start` runs the compiled JavaScript (dist/, tsconfig.build.json): the build, then the server and the
// doctor from that layout, finding what lives outside src/ (migrations in drizzle/, the page in web/, the
// tools in tools/) and serving them. The rest of the suite runs the sources.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUserToken } from '../src/http/auth.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const SECRET = 'compiled-start-test-secret-of-32-characters';
const ENV = {
  PATH: process.env.PATH ?? '', NODE_ENV: 'test', PGLITE_DIR: 'memory://', AUTH_JWT_SECRET: SECRET,
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), ZOHO_CLIENT_ID: 'compiled-id', ZOHO_CLIENT_SECRET: 'compiled-secret',
};

const freePort = () => new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});

describe('the compiled layout (npm start)', () => {
  let cwd: string;
  let url: string;
  let server: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);
    // Another directory: nothing may be found relative to the working directory.
    cwd = mkdtempSync(join(tmpdir(), 'compiled-start-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], { cwd, env: { ...ENV, PORT: String(port) }, stdio: 'ignore' });
    const until = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > until || server.exitCode !== null) throw new Error('the compiled server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);
  afterAll(() => {
    server?.kill('SIGTERM');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('serves the page and its assets from web/ and the tools from tools/, on a migrated database', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<!doctype html>');
    const script = (await (await fetch(`${url}/`)).text()).match(/src="(\/app\/[^"]+)"/)?.[1];
    expect(script).toBeTruthy();
    expect((await fetch(`${url}${script}`)).status).toBe(200);
    const jwt = await signUserToken(SECRET, 'compiled-user');
    const tools = await fetch(`${url}/api/tools`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(tools.status).toBe(200);
    expect(((await tools.json()) as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toContain('crm_search_records');
    // A route that reads the database: the migrations from drizzle/ were applied.
    const connections = await fetch(`${url}/api/connections`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(connections.status).toBe(200);
  });

  it('runs the doctor compiled, with the migration journal found', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/src/doctor/main.js')], { cwd, env: ENV, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toContain('✔ database reachable (PGlite memory://)');
    expect(run.stdout).toMatch(/✔ migrations applied \((\d+) of \1,/);
  }, 90_000);
});
