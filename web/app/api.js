// Calls to the runtime's JSON API with the caller's JWT, and errors in plain words.

export class ApiError extends Error {
  constructor(code, message, status = 0, details = undefined) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

let tokenOf = () => undefined;
let onUnauthorized = () => {};

/** `token()` gives the current JWT; `unauthorized(error)` runs on any 401. */
export function configureApi({ token, unauthorized }) {
  tokenOf = token;
  onUnauthorized = unauthorized;
}

/**
 * A fetch with the JWT; a non-2xx answer is thrown as ApiError with the server's `{error:{code,message}}`.
 * `keepalive` lets a request outlive the page (a cancel sent as the page goes away).
 */
export async function request(path, { method = 'GET', json, signal, accept = 'application/json', keepalive = false } = {}) {
  const headers = { accept };
  const token = tokenOf();
  if (token) headers.authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body, signal, keepalive });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('NETWORK', 'Could not reach the server.');
  }
  if (!res.ok) {
    const error = await errorFrom(res);
    if (res.status === 401) onUnauthorized(error);
    throw error;
  }
  return res;
}

export async function getJson(path, options) {
  const res = await request(path, options);
  return res.status === 204 ? undefined : res.json();
}

async function errorFrom(res) {
  try {
    const body = await res.json();
    const e = body?.error ?? body;
    if (e && typeof e.code === 'string') return new ApiError(e.code, String(e.message ?? ''), res.status, e.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(`HTTP_${res.status}`, `The server answered ${res.status} ${res.statusText}.`, res.status);
}

const PLAIN = {
  NETWORK: 'Could not reach the server. Check your network and try again.',
  STREAM_CUT: 'The connection ended before the answer was complete. Try again.',
  UNAUTHORIZED: 'Your sign-in has expired. Please sign in again.',
  NOT_FOUND: 'That was not found; it may have been removed already.',
  PAYLOAD_TOO_LARGE: 'That is too long to send.',
  ZOHO_NOT_CONNECTED: 'Connect your Zoho account first.',
  ZOHO_RECONNECT_REQUIRED: 'Your Zoho connection stopped working. Reconnect it to go on.',
  ZOHO_PERMISSION_DENIED: 'Zoho refused: your Zoho account does not have the permission for this.',
  ZOHO_NOT_FOUND: 'Zoho could not find that record.',
  ZOHO_REJECTED: 'Zoho rejected the request.',
  ZOHO_RATE_LIMITED: 'Zoho is limiting requests right now. Wait a minute and try again.',
  ZOHO_UNAVAILABLE: 'Zoho is not answering properly right now. Try again in a moment.',
  ZOHO_NOT_CONFIGURED: 'This server is not set up to connect Zoho yet.',
  INVALID_PARAMS: 'The assistant could not find valid parameters for this Zoho call.',
  APPROVAL_DENIED: 'You denied this action; it was not run.',
  APPROVAL_INVALID: 'This approval is no longer valid: it expired, was already decided, or a newer message cancelled it.',
  REPAIR_NEEDS_APPROVAL: 'Zoho refused these parameters; the corrected call needs your approval.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  LLM_ERROR: 'The AI model could not answer right now. Try again in a moment.',
  LLM_NOT_CONFIGURED: 'This server has no AI model configured yet.',
  DATABASE_UNAVAILABLE: 'The server cannot reach its database right now. Try again shortly.',
  TIMEOUT: 'That took too long and was stopped. Try again.',
  INTERNAL: 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.',
};

/**
 * `{ text, detail }` for an error: `text` in plain words, `detail` the server's own message and code
 * (shown smaller), when it says more.
 */
export function plainWords(error) {
  const code = typeof error?.code === 'string' ? error.code : 'INTERNAL';
  const message = typeof error?.message === 'string' ? error.message : '';
  const text = PLAIN[code] ?? (message || PLAIN.INTERNAL);
  const detail = message && message !== text ? `${message} (${code})` : `(${code})`;
  return { text, detail };
}
