import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toErrorBody, type AppError, type ErrorCode } from '../errors.ts';
import type { ToolOutcome } from '../tools/execute-tool-with-repair.ts';
import { BROWSER_LOGIN_URL } from '../tools/run-tool-by-name.ts';

/** Where the caller fixes each kind of failure; `origin` makes the runtime's own URLs absolute (an MCP client has no base). */
function howToFix(error: AppError, origin: string): string {
  const connectUrl = typeof error.details?.connectUrl === 'string' ? new URL(error.details.connectUrl, origin).href : `${origin}/api/connections/zoho`;
  const wait = error.retryAfter !== undefined ? `Wait ${Math.ceil(error.retryAfter)} s, then call again.` : 'Wait a little, then call again.';
  const fixes: Partial<Record<ErrorCode, string>> = {
    INVALID_PARAMS: 'Change the fields listed above to match the tool\'s input schema and call again.',
    ZOHO_NOT_CONNECTED: `Connect Zoho first: POST ${connectUrl} with this bearer token and open the authorizeUrl it answers in a browser (or import a token at ${connectUrl}/import).`,
    ZOHO_RECONNECT_REQUIRED: `Zoho no longer accepts this connection: connect again with POST ${connectUrl} and open the authorizeUrl it answers.`,
    ZOHO_PERMISSION_DENIED: 'The Zoho user or the connection\'s scopes do not allow this; ask the Zoho admin, or reconnect Zoho granting the scope.',
    ZOHO_NOT_FOUND: 'Check the module and ids: list or search first to find a record that exists.',
    ZOHO_REJECTED: 'Zoho refused the values: read the message, change them and call again.',
    ZOHO_RATE_LIMITED: wait,
    RATE_LIMITED: wait,
    ZOHO_UNAVAILABLE: 'Zoho failed after retries; call again later.',
    DATABASE_UNAVAILABLE: 'The runtime\'s database is not answering; call again shortly.',
    TIMEOUT: 'The call ran out of time; narrow it (fewer records, a smaller page) or call again.',
    BROWSER_LOGIN_REQUIRED: `Sign in to Zoho on the web first: POST ${new URL(BROWSER_LOGIN_URL, origin).href} and open its viewUrl.`,
    BROWSER_UNAVAILABLE: 'No browser is free on the runtime; call again shortly.',
    BROWSER_NAVIGATION_REFUSED: 'Give a path on the Zoho web app of your own data centre.',
    ABORTED: 'The call was cancelled.',
  };
  return fixes[error.code] ?? 'The runtime logged the failure; call again, or report it if it keeps failing.';
}

/** A failure as MCP wants it: a result the agent reads (`isError`), naming the code and the fix. */
export function errorResult(error: AppError, origin: string, attempts = 0): CallToolResult {
  return {
    isError: true,
    content: [
      { type: 'text', text: `${error.code}: ${error.message}\nHow to fix: ${howToFix(error, origin)}` },
      { type: 'text', text: JSON.stringify({ error: toErrorBody(error), attempts }) },
    ],
  };
}

/** One executed call as an MCP result: the JSON result as text, or the failure. */
export function toCallResult(outcome: ToolOutcome, origin: string): CallToolResult {
  if (!outcome.ok) return errorResult(outcome.error, origin, outcome.attempts);
  return { content: [{ type: 'text', text: JSON.stringify(outcome.result ?? null) }] };
}
