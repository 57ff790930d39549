import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, parseEnv } from '../src/config.ts';
import { loadConfig } from '../src/load-config.ts';

describe('configuration', () => {
  it('lists exactly the schema\'s keys in .env.example', () => {
    const keys = readFileSync('.env.example', 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    expect(keys.sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 8080, PGLITE_DIR: '.data/pglite', ZOHO_DC: 'com', OPENROUTER_BASE_URL: 'https://openrouter.ai/api/v1' });
    expect(env.ZOHO_SCOPES.split(',')).toContain('Desk.tickets.ALL');
  });

  it('names every bad key in one error', () => {
    expect(() => parseEnv({ PORT: 'eighty', ZOHO_DC: 'mars' })).toThrow(/PORT.*ZOHO_DC|ZOHO_DC.*PORT/);
  });

  it('generates development secrets once and keeps them', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'secrets.json');
    const notices: string[] = [];
    const first = loadConfig({ environment: {}, secretsFile: file, notice: (l) => notices.push(l) });
    const second = loadConfig({ environment: {}, secretsFile: file, notice: (l) => notices.push(l) });
    expect(first.auth.jwtSecret).toBe(second.auth.jwtSecret);
    expect(first.tokenEncryptionKey.equals(second.tokenEncryptionKey)).toBe(true);
    expect(notices).toHaveLength(2);
    expect(notices.join('\n')).not.toContain(first.auth.jwtSecret);
  });

  it('stops a production start with one line naming the missing secret', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Missing required secret AUTH_JWT_SECRET: set it in the environment (NODE_ENV=production).',
    ]);
  });
});
