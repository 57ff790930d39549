import { createMiddleware } from 'hono/factory';
import { decodeProtectedHeader, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { JwksUnavailableError } from './jwks-keys.ts';
import { isStorableText } from './storable-text.ts';
import { createVerifiedTokenCache } from './verified-token-cache.ts';

export type AuthEnv = { Variables: { userId: string } };

/** Turns a caller's bearer token into its user id (`sub`), or throws UNAUTHORIZED. */
export type VerifyCaller = (token: string) => Promise<string>;

/** What the host's identity provider signs with; HS256 never comes from a key set. */
export const IDP_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

/** The provider's clock and ours may disagree by this much on `exp`, `nbf` and `iat` (seconds); our own tokens share our clock. */
export const CLOCK_TOLERANCE_SECONDS = 60;

export interface CallerVerifierOptions {
  /** HS256 secret (`AUTH_JWT_SECRET`); without it HS256 tokens are refused. */
  jwtSecret?: string;
  /** The identity provider's keys (`AUTH_JWKS_URL`) and the claims its tokens must carry. */
  idp?: { keys: JWTVerifyGetKey; issuer?: string; audience?: string[] };
  logger: Logger;
  now?: () => number;
}

/**
 * Verifies callers' JWTs: HS256 with the deployment's secret, RS256 / ES256 / EdDSA with the
 * identity provider's keys. The token's `alg` only picks which of the two to try; each path names
 * its own algorithms, so an HS256 token is never checked against a public key (algorithm
 * confusion) and `alg: none` matches neither. `iss` and `aud` are checked on the provider's tokens
 * when configured (the deployment's own tokens carry neither); those must also carry `exp`.
 */
export function createCallerVerifier(options: CallerVerifierOptions): VerifyCaller {
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const idp = options.idp;
  const now = options.now ?? Date.now;
  const verified = createVerifiedTokenCache();
  return async (token) => {
    const known = verified.get(token, now());
    if (known !== undefined) return known;
    let alg: unknown;
    try {
      ({ alg } = decodeProtectedHeader(token));
    } catch {
      throw invalid();
    }
    let sub: unknown;
    let exp: unknown;
    try {
      if (alg === 'HS256' && secret) {
        ({ payload: { sub, exp } } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: new Date(now()) }));
      } else if (typeof alg === 'string' && IDP_ALGORITHMS.includes(alg) && idp) {
        ({ payload: { sub } } = await jwtVerify(token, idp.keys, {
          algorithms: IDP_ALGORITHMS,
          issuer: idp.issuer,
          audience: idp.audience,
          requiredClaims: ['exp'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
        }));
      } else {
        throw new AppError('UNAUTHORIZED', `Tokens signed with ${typeof alg === 'string' ? JSON.stringify(alg.slice(0, 20)) : 'no algorithm'} are not accepted here.`);
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof JwksUnavailableError) {
        options.logger.error('auth.jwks.unreachable', { message: error.message });
        throw new AppError('UNAUTHORIZED', "The identity provider's signing keys could not be fetched; try again shortly.");
      }
      throw invalid();
    }
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200 || !isStorableText(sub)) {
      throw new AppError('UNAUTHORIZED', 'The token has no usable sub claim.');
    }
    // Only our own HS256 tokens (`exp` is set only for them): the secret is configuration, while the provider
    // may withdraw a key at any moment. A token without `exp` is checked every time.
    if (typeof exp === 'number') verified.set(token, sub, exp * 1000, now());
    return sub;
  };
}

const invalid = () => new AppError('UNAUTHORIZED', 'The token is invalid or expired.');

/**
 * Requires `Authorization: Bearer <jwt>` and puts the caller's user id on the context. With
 * `challenge`, a refusal carries it as `WWW-Authenticate` (MCP clients read the metadata URL there).
 */
export function requireUser(verify: VerifyCaller, options: { challenge?: string } = {}) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    let userId: string;
    try {
      const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
      if (!match) throw new AppError('UNAUTHORIZED', 'Send Authorization: Bearer <jwt>.');
      userId = await verify(match[1]!);
    } catch (error) {
      if (options.challenge) c.header('WWW-Authenticate', options.challenge);
      throw error;
    }
    c.set('userId', userId);
    await next();
  });
}

/** Issues a caller JWT (tests, the doctor, the development sign-in). */
export function signUserToken(secret: string, userId: string, expiresIn = '1h'): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
