// The deployment's own caller JWTs are verified once and then remembered until their `exp`
// (src/http/verified-token-cache.ts): what is remembered must never outlive or widen what was checked.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createCallerVerifier } from '../../src/http/auth.ts';
import { createVerifiedTokenCache } from '../../src/http/verified-token-cache.ts';
import { createMemoryLogger } from '../../src/log.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
const sign = (sub: string, expSeconds: number, secret = SECRET) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime(expSeconds).sign(new TextEncoder().encode(secret));
const codeOf = (p: Promise<unknown>) => p.then((v) => `ok:${String(v)}`, (e) => String(e.code));

describe('verified caller tokens', () => {
  it('refuses a remembered token once it expires', async () => {
    let now = 1_800_000_000_000;
    const verify = createCallerVerifier({ jwtSecret: SECRET, logger: createMemoryLogger(), now: () => now });
    const token = await sign('ann', now / 1000 + 30);
    expect(await codeOf(verify(token))).toBe('ok:ann');
    now += 29_000;
    expect(await codeOf(verify(token))).toBe('ok:ann');
    now += 1_000;
    expect(await codeOf(verify(token))).toBe('UNAUTHORIZED');
  });

  it('never accepts another token for a remembered one: a forged signature or changed claims are checked', async () => {
    const now = 1_800_000_000_000;
    const verify = createCallerVerifier({ jwtSecret: SECRET, logger: createMemoryLogger(), now: () => now });
    const good = await sign('bob', now / 1000 + 600);
    expect(await codeOf(verify(good))).toBe('ok:bob');
    expect(await codeOf(verify(await sign('bob', now / 1000 + 600, 'another-secret-that-is-at-least-32-chars')))).toBe('UNAUTHORIZED');
    const [h, , s] = good.split('.');
    const claims = Buffer.from(JSON.stringify({ sub: 'mallory', exp: now / 1000 + 600 })).toString('base64url');
    expect(await codeOf(verify(`${h}.${claims}.${s}`))).toBe('UNAUTHORIZED');
  });

  it('keeps an entry at most maxAge and at most maxEntries, the oldest going first', () => {
    const cache = createVerifiedTokenCache(2, 1_000);
    cache.set('t1', 'a', 10_000, 0);
    cache.set('t2', 'b', 10_000, 0);
    cache.set('t3', 'c', 10_000, 0);
    expect([cache.get('t1', 1), cache.get('t2', 1), cache.get('t3', 1)]).toEqual([undefined, 'b', 'c']);
    expect(cache.get('t2', 1_000)).toBeUndefined();
    cache.set('t4', 'd', 5, 10);
    expect(cache.get('t4', 10)).toBeUndefined();
  });
});
