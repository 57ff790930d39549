import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginStore } from '../../src/browser/login-store.ts';
import { ScreenshotStore } from '../../src/browser/screenshot-store.ts';
import { BrowserSessionStore } from '../../src/browser/session-store.ts';
import { keepZohoSession, type StorageState } from '../../src/browser/storage-state.ts';
import { webOriginsFor } from '../../src/browser/egress-policy.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { browserScreenshots, browserSessions } from '../../src/db/schema.ts';
import { testDatabases } from '../support/databases.ts';

const SECRET_COOKIE = 'c2Vzc2lvbi1zZWNyZXQtdmFsdWU';
const state = (value = SECRET_COOKIE, expires = Math.floor(Date.now() / 1000) + 3600): StorageState => ({
  cookies: [{ name: '_iamadt', value, domain: '.zoho.com', path: '/', expires, httpOnly: true, secure: true, sameSite: 'None' }],
  origins: [{ origin: 'https://crm.zoho.com', localStorage: [{ name: 'k', value: 'v' }] }],
});

describe.each(testDatabases())('browser stores on $name', (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let now = Date.now();
  const cipher = createTokenCipher(randomBytes(32));
  let sessions: BrowserSessionStore;
  let screenshots: ScreenshotStore;
  let logins: LoginStore;

  beforeAll(async () => {
    const created = kind.create();
    drop = created.drop;
    database = await openDatabase(created.options);
    sessions = new BrowserSessionStore(database.db, cipher, () => now);
    screenshots = new ScreenshotStore(database.db, cipher, 60_000, () => now);
    logins = new LoginStore(database.db, () => now);
  });
  afterAll(async () => {
    await database.close();
    await drop();
  });

  it('keeps a session sealed: no cookie value in the raw row, and opened only for its own user and DC', async () => {
    await sessions.save('alice', 'com', state());
    const [raw] = await database.db.select().from(browserSessions).where(eq(browserSessions.appUserId, 'alice'));
    expect(JSON.stringify(raw)).not.toContain(SECRET_COOKIE);
    expect(JSON.stringify(raw)).not.toContain('_iamadt');
    expect((await sessions.find('alice', 'com'))?.state.cookies[0]?.value).toBe(SECRET_COOKIE);
    // Alice's sealed state copied into Bob's row (and into another DC's) does not open: signed out.
    await sessions.save('bob', 'com', state('bob-cookie'));
    await sessions.save('alice', 'eu', state('eu-cookie'));
    await database.db.update(browserSessions).set({ stateEnc: raw!.stateEnc }).where(eq(browserSessions.appUserId, 'bob'));
    await database.db.execute(sql`update browser_sessions set state_enc = ${raw!.stateEnc} where app_user_id = 'alice' and dc = 'eu'`);
    for (const [user, dc] of [['bob', 'com'], ['alice', 'eu']] as const) {
      const opened = await sessions.find(user, dc);
      expect(opened?.status).toBe('expired');
      expect(opened?.state.cookies).toEqual([]);
    }
  });

  it('writes refreshed cookies only over the version it read, and never over an expired session', async () => {
    const first = await sessions.save('carol', 'com', state('v1'));
    const v2 = await sessions.refresh('carol', 'com', first.version, state('v2'));
    expect(v2).toBe(first.version + 1);
    expect(await sessions.refresh('carol', 'com', first.version, state('stale'))).toBeUndefined();
    expect((await sessions.find('carol', 'com'))?.state.cookies[0]?.value).toBe('v2');
    await sessions.markExpired('carol', 'com', v2!);
    expect((await sessions.describe('carol', 'com'))?.status).toBe('expired');
    expect(await sessions.refresh('carol', 'com', v2! + 1, state('after'))).toBeUndefined();
    // Signing in again makes it active.
    expect((await sessions.save('carol', 'com', state('v3'))).status).toBe('active');
  });

  it('reads a session whose cookies all expired as expired, and forgets every session of a user', async () => {
    await sessions.save('dave', 'com', state('old', Math.floor(now / 1000) + 10));
    expect((await sessions.describe('dave', 'com'))?.status).toBe('active');
    now += 11_000;
    expect((await sessions.describe('dave', 'com'))?.status).toBe('expired');
    expect(await sessions.deleteForUser('dave')).toBe(1);
    expect(await sessions.describe('dave', 'com')).toBeUndefined();
  });

  it('keeps only the Zoho web session of the DC from a storage state', () => {
    const mixed: StorageState = {
      cookies: [
        ...state().cookies,
        { name: 'crm', value: '1', domain: 'crm.zoho.com', path: '/', expires: -1, httpOnly: false, secure: true, sameSite: 'Lax' },
        { name: 'other-dc', value: '1', domain: '.zoho.eu', path: '/', expires: -1, httpOnly: false, secure: true, sameSite: 'Lax' },
        { name: 'idp', value: '1', domain: '.google.com', path: '/', expires: -1, httpOnly: false, secure: true, sameSite: 'Lax' },
        { name: 'tld', value: '1', domain: '.com', path: '/', expires: -1, httpOnly: false, secure: true, sameSite: 'Lax' },
        { name: 'lookalike', value: '1', domain: 'zoho.com.evil.example', path: '/', expires: -1, httpOnly: false, secure: true, sameSite: 'Lax' },
      ],
      origins: [...state().origins, { origin: 'https://evil.example', localStorage: [{ name: 'x', value: 'y' }] }],
    };
    const kept = keepZohoSession(mixed, webOriginsFor('com', {}));
    expect(kept.cookies.map((c) => c.name).sort()).toEqual(['_iamadt', 'crm']);
    expect(kept.origins.map((o) => o.origin)).toEqual(['https://crm.zoho.com']);
  });

  it('keeps screenshots sealed and serves their exact bytes to their owner only, until they expire', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x01, 0x80, 0xfe, 0xff, 0xd9, ...Buffer.from('Ada Lovelace, ada@example.com')]);
    const shot = await screenshots.put('alice', { mime: 'image/jpeg', width: 1280, height: 800, bytes });
    const mine = await screenshots.get('alice', shot.id);
    expect(mine && [...mine.bytes]).toEqual([...bytes]);
    expect(mine).toMatchObject({ mime: 'image/jpeg', width: 1280, height: 800 });
    expect(await screenshots.get('bob', shot.id)).toBeUndefined();
    // At rest: no plain image bytes in the row; the row copied under Bob's name (or read with another key) does not open.
    const [raw] = await database.db.select().from(browserScreenshots).where(eq(browserScreenshots.id, shot.id));
    expect(Buffer.from(raw!.bytes).includes(Buffer.from('ada@example.com'))).toBe(false);
    expect(Buffer.from(raw!.bytes).includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    await database.db.update(browserScreenshots).set({ appUserId: 'bob' }).where(eq(browserScreenshots.id, shot.id));
    expect(await screenshots.get('bob', shot.id)).toBeUndefined();
    await database.db.update(browserScreenshots).set({ appUserId: 'alice' }).where(eq(browserScreenshots.id, shot.id));
    const otherKey = new ScreenshotStore(database.db, createTokenCipher(randomBytes(32)), 60_000, () => now);
    expect(await otherKey.get('alice', shot.id)).toBeUndefined();
    // A row stored unsealed (before sealing began) is not served as an image.
    await database.db.update(browserScreenshots).set({ bytes: Buffer.from(bytes) }).where(eq(browserScreenshots.id, shot.id));
    expect(await screenshots.get('alice', shot.id)).toBeUndefined();
    const later = await screenshots.put('alice', { mime: 'image/png', width: 10, height: 10, bytes });
    now += 61_000;
    expect(await screenshots.get('alice', later.id)).toBeUndefined();
  });

  it('ends a login handover once, binds it to its user, and opens its view only with its token', async () => {
    const { record, viewToken } = await logins.create('alice', 'eu', 600_000);
    expect(await logins.getForUser('bob', record.id)).toBeUndefined();
    expect((await logins.getForUser('alice', record.id))?.status).toBe('waiting');
    expect(await logins.getForViewer(record.id, viewToken.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBeUndefined();
    expect((await logins.getForViewer(record.id, viewToken))?.userId).toBe('alice');
    const raw = await database.db.execute(sql`select * from browser_logins`);
    expect(JSON.stringify(raw)).not.toContain(viewToken);
    const ends = await Promise.all([logins.finish(record.id, 'done'), logins.finish(record.id, 'failed')]);
    expect(ends.filter(Boolean)).toHaveLength(1);
    const { record: late } = await logins.create('alice', 'eu', 600_000);
    now += 600_001;
    expect(await logins.getForUser('alice', late.id)).toMatchObject({ status: 'expired' });
  });
});
