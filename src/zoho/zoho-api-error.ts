import { AppError, type ErrorCode } from '../errors.ts';

export type ZohoApp = 'crm' | 'desk';

export interface ZohoApiErrorInit {
  app: ZohoApp;
  /** Zoho's HTTP status; 0 when no answer came (network error, timeout). */
  httpStatus: number;
  zohoCode?: string;
  zohoMessage?: string;
  zohoDetails?: unknown;
  retryAfter?: number;
  /** Whether Zoho may have applied the request although it failed (a 5xx or timeout after sending). */
  mayHaveApplied: boolean;
  cause?: unknown;
}

/** Zoho codes that mean "you may not do this": fail at once, never retry (ZOHO.md 3.4, 4.3). */
const PERMISSION_CODES = new Set([
  'NO_PERMISSION', 'OAUTH_SCOPE_MISMATCH', 'SCOPE_MISMATCH', 'FORBIDDEN', 'LICENSE_ACCESS_LIMITED', 'OAUTH_ORG_MISMATCH',
  'NOT_ALLOWED', 'FEATURE_NOT_SUPPORTED', 'API_NOT_SUPPORTED',
]);

/** A failed Zoho call, carrying Zoho's own status, code, message and details. */
export class ZohoApiError extends AppError {
  override name = 'ZohoApiError';
  readonly app: ZohoApp;
  readonly httpStatus: number;
  readonly zohoCode?: string;
  readonly zohoMessage?: string;
  readonly zohoDetails?: unknown;
  readonly mayHaveApplied: boolean;

  constructor(init: ZohoApiErrorInit) {
    const code = appCodeFor(init);
    const what = init.app === 'crm' ? 'Zoho CRM' : 'Zoho Desk';
    const said = init.zohoCode ? `${init.zohoCode}${init.zohoMessage ? `: ${init.zohoMessage}` : ''}` : undefined;
    const message =
      init.httpStatus === 0
        ? `${what} did not answer${init.zohoMessage ? ` (${init.zohoMessage})` : ''}.`
        : `${what} answered ${init.httpStatus}${said ? ` (${said})` : ''}.`;
    super(code, message, {
      cause: init.cause,
      retryAfter: init.retryAfter,
      details: {
        zohoStatus: init.httpStatus,
        ...(init.zohoCode ? { zohoCode: init.zohoCode } : {}),
        ...(init.zohoMessage ? { zohoMessage: init.zohoMessage } : {}),
        ...(init.zohoDetails !== undefined ? { zohoDetails: init.zohoDetails } : {}),
      },
    });
    this.app = init.app;
    this.httpStatus = init.httpStatus;
    this.zohoCode = init.zohoCode;
    this.zohoMessage = init.zohoMessage;
    this.zohoDetails = init.zohoDetails;
    this.mayHaveApplied = init.mayHaveApplied;
  }

  /** 429, 5xx and network failures are worth another try (where repeating is safe). */
  get transient(): boolean {
    return this.httpStatus === 0 || this.httpStatus === 429 || this.httpStatus >= 500;
  }
}

function appCodeFor(init: ZohoApiErrorInit): ErrorCode {
  if (init.zohoCode && PERMISSION_CODES.has(init.zohoCode)) return 'ZOHO_PERMISSION_DENIED';
  if (init.httpStatus === 403) return 'ZOHO_PERMISSION_DENIED';
  if (init.httpStatus === 429 || init.zohoCode === 'TOO_MANY_REQUESTS') return 'ZOHO_RATE_LIMITED';
  if (init.httpStatus === 0 || init.httpStatus >= 500) return 'ZOHO_UNAVAILABLE';
  if (init.httpStatus === 404) return 'ZOHO_NOT_FOUND';
  return 'ZOHO_REJECTED';
}
