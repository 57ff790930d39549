// An identity provider's JWKS endpoint on 127.0.0.1: key pairs it signs with, rotation, and outages.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type IdpAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

export interface IdpKey {
  kid: string;
  alg: IdpAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface FakeJwks {
  url: string;
  /** Issuer the tokens carry by default. */
  issuer: string;
  /** GET requests the JWKS endpoint answered (or refused). */
  fetches: number;
  /** `up` answers the key set; `error` answers 503; `drop` destroys the socket. */
  mode: 'up' | 'error' | 'drop';
  /** Makes a new key pair and publishes it (beside the current ones unless `replace`). */
  rotate(alg?: IdpAlgorithm, opts?: { replace?: boolean }): Promise<IdpKey>;
  /** A key pair that is never published. */
  unpublishedKey(alg?: IdpAlgorithm): Promise<IdpKey>;
  published(): IdpKey[];
  sign(key: IdpKey, claims?: JWTPayload & { sub?: string }, opts?: { expiresIn?: string | number; issuer?: string | null; audience?: string }): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

async function makeKey(alg: IdpAlgorithm): Promise<IdpKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const kid = `key-${++counter}-${alg.toLowerCase()}`;
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export async function startFakeJwks(): Promise<FakeJwks> {
  let keys: IdpKey[] = [await makeKey('RS256')];
  const server = createServer((req, res) => {
    fake.fetches++;
    if (fake.mode === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fake.mode === 'error') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeJwks = {
    url: `${base}/.well-known/jwks.json`,
    issuer: `${base}/`,
    fetches: 0,
    mode: 'up',
    async rotate(alg = 'RS256', opts = {}) {
      const key = await makeKey(alg);
      keys = opts.replace ? [key] : [...keys, key];
      return key;
    },
    unpublishedKey: (alg = 'RS256') => makeKey(alg),
    published: () => [...keys],
    sign(key, claims = {}, opts = {}) {
      const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).setIssuedAt();
      if (claims.sub === undefined) jwt.setSubject('idp-user');
      if (opts.issuer !== null) jwt.setIssuer(opts.issuer ?? fake.issuer);
      if (opts.audience) jwt.setAudience(opts.audience);
      if (claims.exp === undefined) jwt.setExpirationTime(opts.expiresIn ?? '5m');
      return jwt.sign(key.privateKey);
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return fake;
}
