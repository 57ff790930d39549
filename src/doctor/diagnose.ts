import { CONNECT_URL } from '../compose.ts';
import { TokenDecryptError } from '../crypto/token-cipher.ts';
import { AppError, type ErrorCode } from '../errors.ts';

/** What went wrong, safe to print, and what a person does about it. */
export interface Diagnosis {
  detail: string;
  fix: string;
}

export const CONNECT_FIX = `connect Zoho: POST ${CONNECT_URL} with the user's JWT, then open the authorizeUrl it answers; or, with no browser, import a Self Client token (npm run doctor -- --self-client)`;
export const RECONNECT_FIX = `connect Zoho again: POST ${CONNECT_URL} with the user's JWT`;

const FIX_BY_CODE: Partial<Record<ErrorCode, string>> = {
  ZOHO_NOT_CONNECTED: CONNECT_FIX,
  ZOHO_RECONNECT_REQUIRED: `${RECONNECT_FIX} (the stored refresh token no longer works: revoked, from another client, or dropped by Zoho, which keeps only a user's 20 newest refresh tokens per client and deletes the oldest silently)`,
  ZOHO_RATE_LIMITED: 'Zoho is throttling (10 token refreshes per 10 minutes): wait 10 minutes, then run the doctor again',
  ZOHO_PERMISSION_DENIED: `check that ZOHO_SCOPES holds the default scopes and the Zoho user may do this, then ${RECONNECT_FIX}`,
  ZOHO_UNAVAILABLE: 'check that this host reaches Zoho (and any ZOHO_*_URL override answers), then run the doctor again',
  ZOHO_REJECTED: 'Zoho refused the request: read its code above; if it names the token or the org, connect Zoho again',
  ZOHO_NOT_FOUND: 'Zoho does not know this resource: check the data centre (ZOHO_DC, ZOHO_*_URL) matches the account',
  // The only INVALID_REQUEST on these paths: the stored accounts server is not allowed by the current config.
  INVALID_REQUEST: `the stored Zoho accounts server is not allowed by this config (ZOHO_ACCOUNTS_URL changed?): restore it or ${RECONNECT_FIX}`,
};

/** Turns an error from the runtime into a printable reason and a fix; never prints a raw upstream body. */
export function diagnose(error: unknown): Diagnosis {
  if (error instanceof TokenDecryptError) {
    return {
      detail: `the stored tokens do not decrypt (${error.message})`,
      fix: 'set TOKEN_ENCRYPTION_KEY to the key they were stored with (environment, or .data/secrets.json outside production)',
    };
  }
  if (error instanceof AppError) {
    const wait = error.retryAfter !== undefined ? ` (Retry-After ${error.retryAfter} s)` : '';
    return { detail: `${error.code}: ${error.message}${wait}`, fix: FIX_BY_CODE[error.code] ?? 'see the reason above' };
  }
  return { detail: oneLine(error instanceof Error ? error.message : String(error)), fix: 'see the reason above' };
}

/** First line only, bounded: an unexpected message must not flood the checklist. */
export function oneLine(text: string): string {
  const first = text.split(/\r?\n/)[0] ?? '';
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}
