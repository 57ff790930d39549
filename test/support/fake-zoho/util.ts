import { randomBytes } from 'node:crypto';
import type { AccessInfo, Reply, State } from './types.ts';

/** Unref'd so a pending delay never keeps the process alive after close(). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** Zoho-style token / grant code: `1000.<hex32>.<hex32>`. */
export const zohoToken = (): string =>
  `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;

/** 19-digit numeric CRM id, like Zoho's `4150868000000224005`. */
export const crmId = (s: State): string => `5843104${String(++s.seq.crm).padStart(12, '0')}`;

/** 16-digit numeric Desk id. */
export const deskId = (s: State): string => `7129800${String(++s.seq.desk).padStart(9, '0')}`;

/** CRM timestamps: `2024-01-15T10:20:30+00:00` (no millis, numeric offset). */
export const crmTime = (d: Date = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** Desk timestamps: `2024-01-15T10:20:30.000Z`. */
export const deskTime = (d: Date = new Date()): string => d.toISOString();

export const JSON_CT = 'application/json;charset=UTF-8';

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export const noContent = (): Reply => ({ status: 204 });

export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `Authorization: Zoho-oauthtoken <t>` (and `Bearer <t>` when allowed). */
export function bearer(authHeader: string | undefined, allowBearer: boolean): string | undefined {
  if (!authHeader) return undefined;
  const m = /^(Zoho-oauthtoken|Bearer)\s+(\S+)\s*$/i.exec(authHeader);
  if (!m || !m[1] || !m[2]) return undefined;
  if (!allowBearer && m[1].toLowerCase() === 'bearer') return undefined;
  return m[2];
}

export function liveAccess(s: State, token: string | undefined): AccessInfo | undefined {
  if (!token) return undefined;
  const a = s.accessTokens.get(token);
  if (!a || !a.active || a.expiresAt <= Date.now()) return undefined;
  return a;
}

/** Empty scope list = everything allowed (tokens made by mintTokens / codes without scopes). */
export function hasScope(a: AccessInfo, prefixes: string[]): boolean {
  if (a.scopes.length === 0) return true;
  return a.scopes.some((sc) => prefixes.some((p) => sc.toLowerCase().startsWith(p)));
}

/** Parse a request body by content type: JSON, urlencoded, multipart (text parts), else raw. */
export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  if (ct.includes('multipart/form-data')) {
    const b = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const boundary = b?.[1] ?? b?.[2];
    return boundary ? parseMultipart(raw, boundary.trim()) : raw;
  }
  if (ct.includes('json') || /^\s*[[{]/.test(raw)) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

function parseMultipart(raw: string, boundary: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(`--${boundary}`)) {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    out[name] = part.slice(sep + 4).replace(/\r\n$/, '');
  }
  return out;
}

/** Query string merged with a form body (form wins), all as strings. */
export function formParams(query: Record<string, string>, body: unknown): Record<string, string> {
  const out: Record<string, string> = { ...query };
  if (isObj(body)) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function splitName(display: string): { first: string; last: string } {
  const parts = display.trim().split(/\s+/);
  if (parts.length <= 1) return { first: '', last: parts[0] ?? '' };
  return { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1] ?? '' };
}

export const lc = (v: unknown): string => String(v ?? '').toLowerCase();
