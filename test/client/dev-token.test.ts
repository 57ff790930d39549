import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { resolveToken } from '../../src/client/dev-token.ts';

describe('resolveToken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-token-'));
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ AUTH_JWT_SECRET: 'a-development-secret-of-enough-length', TOKEN_ENCRYPTION_KEY: 'x' }));

  it('uses RUNTIME_TOKEN when it is set', async () => {
    const notices: string[] = [];
    expect(await resolveToken({ RUNTIME_TOKEN: 'given' }, { secretsFile, notice: (l) => notices.push(l) })).toBe('given');
    expect(notices).toEqual([]);
  });

  it('signs a development token for RUNTIME_USER with the stored secret, and says so in one line', async () => {
    const notices: string[] = [];
    const token = await resolveToken({ RUNTIME_USER: 'ada' }, { secretsFile, notice: (l) => notices.push(l) });
    const { payload } = await jwtVerify(token!, new TextEncoder().encode('a-development-secret-of-enough-length'));
    expect(payload.sub).toBe('ada');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('"ada"');
    expect(notices[0]).not.toContain('a-development-secret');
  });

  it('defaults the user to dev-user, and gives up without a secrets file', async () => {
    const token = await resolveToken({}, { secretsFile });
    expect(JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()).sub).toBe('dev-user');
    expect(await resolveToken({}, { secretsFile: join(dir, 'missing.json') })).toBeUndefined();
  });
});
