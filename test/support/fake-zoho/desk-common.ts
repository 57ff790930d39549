// Helpers shared by the Desk handlers (ZOHO.md section 4).
import type { FakeRequest, FakeZohoUser, Rec, Reply, State } from './types.ts';
import { isObj, json, lc } from './util.ts';

export interface DeskCtx {
  s: State;
  r: FakeRequest;
  user: FakeZohoUser;
  /** The `orgId` header (validated), '' for /organizations. */
  orgId: string;
  /** Path params, e.g. {id, sub}. */
  params: Record<string, string>;
}

/** Desk error envelope: `{"errorCode","message"[, "errors"]}` (ZOHO.md 4.3). */
export const deskErr = (status: number, errorCode: string, message: string, errors?: Rec[]): Reply =>
  json(status, { errorCode, message, ...(errors ? { errors } : {}) });

// Message chosen; code + status from the Desk API document's error list.
export const urlNotFound = (): Reply => deskErr(404, 'URL_NOT_FOUND', 'The URL you requested could not be found.');

/** 422 with a JSON-Pointer field error (errorType missing | duplicate | invalid). Messages chosen. */
export function fieldError(field: string, errorType: 'missing' | 'invalid' | 'duplicate', code = 'UNPROCESSABLE_ENTITY'): Reply {
  const msg =
    errorType === 'missing' ? `The field '${field}' is mandatory.` : `An invalid value is passed for the field '${field}'.`;
  return deskErr(422, code, msg, [{ fieldName: `/${field}`, errorType, errorMessage: msg }]);
}

export interface Page {
  from: number;
  limit: number;
}

/**
 * Query checks: unknown parameter -> 422 "Extra query parameter 'x' is present in the input." (real example, ZOHO.md 4.3);
 * `from` (0-based) and `limit` (1..max) ranges -> 422 (messages chosen).
 */
export function queryCheck(q: Record<string, string>, allowed: string[], maxLimit: number, extra?: RegExp): Page | Reply {
  for (const k of Object.keys(q)) {
    if (!allowed.includes(k) && !(extra && extra.test(k))) {
      return deskErr(422, 'UNPROCESSABLE_ENTITY', `Extra query parameter '${k}' is present in the input.`);
    }
  }
  const bad = (k: string): Reply =>
    deskErr(422, 'UNPROCESSABLE_ENTITY', `The value passed for the query parameter '${k}' is invalid.`);
  const from = q['from'] === undefined ? 0 : Number(q['from']);
  const limit = q['limit'] === undefined ? 10 : Number(q['limit']); // default 10 (ZOHO.md 4.2, departments)
  if (allowed.includes('from') && !(Number.isInteger(from) && from >= 0)) return bad('from');
  if (allowed.includes('limit') && !(Number.isInteger(limit) && limit >= 1 && limit <= maxLimit)) return bad('limit');
  return { from, limit };
}

export const isReply = (v: Page | Reply): v is Reply => 'status' in v;

export function inOrg(c: DeskCtx, id: unknown): boolean {
  return typeof id === 'string' && c.s.desk.orgOf.get(id) === c.orgId;
}

export function orgRows(c: DeskCtx, m: Map<string, Rec>): Rec[] {
  return [...m.values()].filter((e) => inOrg(c, e['id']));
}

/** Desk search values: trailing `*` = starts with, leading `*` = ends with / contains, else equals (case-insensitive). */
export function wildMatch(pattern: string, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  const v = lc(value);
  const p = lc(pattern);
  const starts = p.endsWith('*');
  const ends = p.startsWith('*');
  const core = p.replace(/^\*+|\*+$/g, '');
  if (starts && ends) return v.includes(core);
  if (starts) return v.startsWith(core);
  if (ends) return v.endsWith(core);
  return v === core;
}

/** `sortBy=field` / `sortBy=-field` (ZOHO.md 4.2: "-" prefix = descending, no sortOrder param). */
export function sortRows(rows: Rec[], sortBy: string | undefined, allowed: string[], dflt: string): Rec[] | Reply {
  const spec = sortBy ?? dflt;
  const desc = spec.startsWith('-');
  const key = desc ? spec.slice(1) : spec;
  if (!allowed.includes(key)) return deskErr(422, 'UNPROCESSABLE_ENTITY', `The value passed for the query parameter 'sortBy' is invalid.`);
  const val = (r: Rec): string | number => {
    const v = r[key];
    return key === 'ticketNumber' ? Number(v) : String(v ?? '');
  };
  return [...rows].sort((a, b) => {
    const x = val(a);
    const y = val(b);
    return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
  });
}

/** Reject unknown body keys (chosen message): the body object, or the 422 to answer. */
export function bodyCheck(body: unknown, allowed: string[]): { body: Rec } | { error: Reply } {
  if (!isObj(body)) return { error: deskErr(422, 'UNPROCESSABLE_ENTITY', 'The input is not a valid JSON object.') };
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) {
      const msg = `Extra input field '${k}' is present in the input.`;
      return { error: deskErr(422, 'UNPROCESSABLE_ENTITY', msg, [{ fieldName: `/${k}`, errorType: 'invalid', errorMessage: msg }]) };
    }
  }
  return { body };
}

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The agent record that stands for the calling user in this org (created by addUser). */
export function callerAgent(c: DeskCtx): Rec {
  const found = orgRows(c, c.s.desk.agents).find((a) => lc(a['emailId']) === lc(c.user.email));
  if (found) return found;
  return { id: c.user.zuid, name: c.user.displayName ?? c.user.email, emailId: c.user.email, firstName: '', lastName: c.user.displayName ?? c.user.email };
}

export function webUrl(c: DeskCtx, kind: string, id: string): string {
  const org = c.s.desk.organizations.find((o) => o['id'] === c.orgId);
  return `${c.s.url}/support/${String(org?.['portalName'] ?? 'portal')}/ShowHomePage.do#${kind}/dv/${id}`;
}
