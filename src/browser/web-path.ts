import { AppError } from '../errors.ts';

const MAX_PATH = 2048;
/** Printable ASCII only: no spaces, controls, backslashes or characters that change how a URL parses. */
const PRINTABLE = /^[\x21-\x7e]*$/;

export interface WebPathDefaults {
  /** Used when the call gives no path. */
  home: string;
  /** The CRM org id: `/crm/tab/...` becomes `/crm/org<id>/tab/...`. */
  crmOrgId?: string | null;
}

/**
 * The URL a browser call opens: `path` on the app's web host, checked before any browser starts.
 * Refused: anything not a plain absolute path (`//evil.example`, `@evil.example`, `\\evil`), a dot
 * segment (`/../`), and the same in percent-encoded form however often encoded (`%2e%2e`, `%252f`),
 * control characters, and a result on any other origin. A refusal is INVALID_PARAMS naming `path`.
 */
export function resolveWebUrl(base: string, path: string | undefined, defaults: WebPathDefaults): URL {
  const raw = path === undefined || path === '' ? defaults.home : expandOrg(path, defaults.crmOrgId);
  if (raw.length > MAX_PATH) throw refused(`at most ${MAX_PATH} characters`);
  if (!PRINTABLE.test(raw)) throw refused('printable ASCII only (percent-encode anything else)');
  if (!raw.startsWith('/') || raw.startsWith('//')) throw refused('must start with a single "/", such as /crm/org123/tab/Leads/456');
  const [pathname] = raw.split(/[?#]/, 1) as [string];
  for (const form of decodings(pathname)) {
    if (form.includes('\\') || form.includes('@')) throw refused('must not contain "\\" or "@"');
    if (form.startsWith('//')) throw refused('must not start with "//"');
    if (form.split('/').some((segment) => segment === '.' || segment === '..')) throw refused('must not contain "." or ".." segments');
    if (/[\x00-\x20\x7f]/.test(form)) throw refused('must not contain control characters or spaces, encoded or not');
  }
  const origin = new URL(base).origin;
  const url = new URL(raw, `${origin}/`);
  // The parser must not have changed the path (a dot segment it resolved, a host it found).
  if (url.origin !== origin || url.username || url.password || url.pathname !== pathname) throw refused('must stay on the app\'s web host');
  return url;
}

/** The path and every form it decodes to (up to five rounds: `%25252e` is still a dot). */
function decodings(pathname: string): string[] {
  const forms = [pathname];
  let current = pathname;
  for (let round = 0; round < 5 && current.includes('%'); round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      throw refused('has a malformed percent-encoding');
    }
    if (next === current) break;
    forms.push(next);
    current = next;
  }
  if (current.includes('%') && /%[0-9a-f]{2}/i.test(current)) {
    const last = safeDecode(current);
    if (last !== current) throw refused('is percent-encoded too many times');
  }
  return forms;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function expandOrg(path: string, crmOrgId: string | null | undefined): string {
  return crmOrgId && path.startsWith('/crm/tab/') ? `/crm/org${crmOrgId}${path.slice('/crm'.length)}` : path;
}

const refused = (why: string) =>
  new AppError('INVALID_PARAMS', `Invalid params for browser_navigate_and_screenshot:\n- path: ${why}`, {
    details: { fields: [{ field: 'path', message: why }] },
  });
