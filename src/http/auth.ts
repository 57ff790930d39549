import { createMiddleware } from 'hono/factory';
import { jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.ts';
import { isStorableText } from './storable-text.ts';

export type AuthEnv = { Variables: { userId: string } };

/** Requires `Authorization: Bearer <jwt>` (HS256, `sub` = user id) and puts the user id on the context. */
export function requireUser(secret: string) {
  const key = new TextEncoder().encode(secret);
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError('UNAUTHORIZED', 'Send Authorization: Bearer <jwt>.');
    let sub: unknown;
    try {
      ({ payload: { sub } } = await jwtVerify(match[1]!, key, { algorithms: ['HS256'] }));
    } catch {
      throw new AppError('UNAUTHORIZED', 'The token is invalid or expired.');
    }
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200 || !isStorableText(sub)) {
      throw new AppError('UNAUTHORIZED', 'The token has no usable sub claim.');
    }
    c.set('userId', sub);
    await next();
  });
}

/** Issues a caller JWT (tests, the doctor, the development sign-in). */
export function signUserToken(secret: string, userId: string, expiresIn = '1h'): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
