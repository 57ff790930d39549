import { AppError } from '../errors.ts';

/** A browser call without a live Zoho web session: never refreshed, the user signs in again. */
export const loginRequired = (why: 'none' | 'expired') =>
  new AppError('BROWSER_LOGIN_REQUIRED', why === 'none'
    ? 'There is no Zoho web session for this user: sign in to Zoho through POST /api/browser/login first.'
    : 'The Zoho web session has expired: sign in to Zoho again through POST /api/browser/login.', { details: { url: '/api/browser/login' } });

/** `target`: the page URL it ended on, or the origin / host:port the proxy refused. */
export const leftZoho = (target: string) =>
  new AppError('BROWSER_NAVIGATION_REFUSED', `The page tried to leave the Zoho web hosts (to ${hostOf(target)}); the request was refused.`);

/** The host of a URL, or a `host:port` as it is. */
const hostOf = (target: string) => {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target.slice(0, 100);
  try {
    return new URL(target).host || new URL(target).protocol;
  } catch {
    return target.slice(0, 100);
  }
};

/** Playwright's failures in the contract's terms; the caller's own abort passes through as it is. */
export function explain(error: unknown, callerSignal: AbortSignal | undefined, deadline: AbortSignal | undefined, timeoutMs: number): unknown {
  if (error instanceof AppError) return error;
  if (callerSignal?.aborted) return callerSignal.reason ?? error;
  const message = String((error as Error)?.message ?? '');
  if (deadline?.aborted || (deadline && (error as Error)?.name === 'TimeoutError')) {
    return new AppError('TIMEOUT', `The page did not finish loading within ${Math.round(timeoutMs / 1000)} s; it was closed.`);
  }
  if (/net::ERR_/.test(message)) {
    return new AppError('ZOHO_UNAVAILABLE', `Zoho's web UI did not answer (${/net::ERR_[A-Z_]+/.exec(message)![0]}).`);
  }
  if (/has been closed|Target closed|Browser closed|crash/i.test(message)) {
    return new AppError('BROWSER_UNAVAILABLE', 'The browser closed during the call; try again.', { details: { reason: 'closed' } });
  }
  return error;
}
