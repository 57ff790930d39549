// Desk organizations, myinfo, departments, agents, contacts, accounts (ZOHO.md 4.2).
import type { DeskCtx } from './desk-common.ts';
import {
  bodyCheck, callerAgent, EMAIL_RE, fieldError, isReply, orgRows, queryCheck, sortRows, urlNotFound, webUrl, wildMatch,
} from './desk-common.ts';
import type { Rec, Reply } from './types.ts';
import { deskId, deskTime, json, lc, noContent } from './util.ts';

export function organizations(c: DeskCtx): Reply {
  const mine = new Set(c.user.deskOrgIds ?? []);
  return json(200, { data: c.s.desk.organizations.filter((o) => mine.has(String(o['id']))) });
}

export function organization(c: DeskCtx): Reply {
  const o = c.s.desk.organizations.find((x) => x['id'] === c.params['id']);
  return o && (c.user.deskOrgIds ?? []).includes(String(o['id'])) ? json(200, o) : urlNotFound();
}

export function myInfo(c: DeskCtx): Reply {
  return json(200, callerAgent(c));
}

function list(c: DeskCtx, m: Map<string, Rec>, allowed: string[], max: number, filter: (r: Rec) => boolean = () => true): Reply {
  const p = queryCheck(c.r.query, allowed, max);
  if (isReply(p)) return p;
  return json(200, { data: orgRows(c, m).filter(filter).slice(p.from, p.from + p.limit) });
}

function one(c: DeskCtx, m: Map<string, Rec>, allowed: string[] = ['include']): Reply {
  const p = queryCheck(c.r.query, allowed, 100);
  if (isReply(p)) return p;
  const id = c.params['id'] ?? '';
  const e = m.get(id);
  return e && orgRows(c, m).includes(e) ? json(200, e) : urlNotFound();
}

export function departments(c: DeskCtx): Reply {
  const q = c.r.query;
  return list(c, c.s.desk.departments, ['isEnabled', 'from', 'limit', 'searchStr', 'chatStatus'], 200, (d) =>
    (q['isEnabled'] === undefined || String(d['isEnabled']) === q['isEnabled']) &&
    (q['searchStr'] === undefined || wildMatch(q['searchStr'], d['name'])));
}
export const department = (c: DeskCtx): Reply => one(c, c.s.desk.departments, []);

export function agents(c: DeskCtx): Reply {
  const q = c.r.query;
  return list(c, c.s.desk.agents, ['from', 'limit', 'status', 'isConfirmed', 'searchStr', 'departmentIds', 'include', 'isLightAgent', 'sortBy'], 200, (a) =>
    (q['status'] === undefined || lc(a['status']) === lc(q['status'])) &&
    (q['searchStr'] === undefined || wildMatch(q['searchStr'], a['name']) || wildMatch(q['searchStr'], a['emailId'])));
}
export const agent = (c: DeskCtx): Reply => one(c, c.s.desk.agents);

const CONTACT_FIELDS = ['firstName', 'lastName', 'email', 'secondaryEmail', 'phone', 'mobile', 'accountId', 'title', 'type', 'description', 'ownerId', 'street', 'city', 'state', 'country', 'zip', 'facebook', 'twitter', 'cf'];

/** Create a contact in the caller's org (used by POST /contacts and ticket creation with a `contact` object). */
export function createContact(c: DeskCtx, fields: Rec): Rec {
  const id = deskId(c.s);
  const now = deskTime();
  const ct: Rec = {
    id, firstName: null, lastName: null, email: null, secondaryEmail: null, phone: null, mobile: null, accountId: null,
    title: null, type: null, description: null, ownerId: null, city: null, country: null, isAnonymous: false,
    createdTime: now, modifiedTime: now, webUrl: webUrl(c, 'Contacts', id), cf: {},
  };
  for (const k of CONTACT_FIELDS) if (fields[k] !== undefined) ct[k] = fields[k];
  c.s.desk.contacts.set(id, ct);
  c.s.desk.orgOf.set(id, c.orgId);
  return ct;
}

function contactErrors(body: Rec, creating: boolean): Reply | undefined {
  if (creating || 'lastName' in body) {
    if (body['lastName'] === undefined || body['lastName'] === null || body['lastName'] === '') return fieldError('lastName', 'missing');
    if (typeof body['lastName'] !== 'string' || body['lastName'].length > 80) return fieldError('lastName', 'invalid');
  }
  if (body['email'] != null && (typeof body['email'] !== 'string' || !EMAIL_RE.test(body['email']))) return fieldError('email', 'invalid');
  return undefined;
}

export function contacts(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, ['from', 'limit', 'viewId', 'sortBy', 'include', 'fields', 'ids'], 100);
  if (isReply(p)) return p;
  const sorted = sortRows(orgRows(c, c.s.desk.contacts), c.r.query['sortBy'], ['firstName', 'lastName', 'email', 'createdTime', 'modifiedTime'], 'createdTime');
  if (!Array.isArray(sorted)) return sorted;
  return json(200, { data: sorted.slice(p.from, p.from + p.limit) });
}
export const contact = (c: DeskCtx): Reply => one(c, c.s.desk.contacts);

export function addContact(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, [], 100);
  if (isReply(p)) return p;
  const checked = bodyCheck(c.r.body, CONTACT_FIELDS);
  if ('error' in checked) return checked.error;
  const body = checked.body;
  const err = contactErrors(body, true);
  if (err) return err;
  if (body['accountId'] != null && !orgRows(c, c.s.desk.accounts).some((a) => a['id'] === body['accountId'])) {
    return fieldError('accountId', 'invalid', 'INVALID_DATA');
  }
  return json(200, createContact(c, body));
}

export function updateContact(c: DeskCtx): Reply {
  const ct = c.s.desk.contacts.get(c.params['id'] ?? '');
  if (!ct || !orgRows(c, c.s.desk.contacts).includes(ct)) return urlNotFound();
  const checked = bodyCheck(c.r.body, CONTACT_FIELDS);
  if ('error' in checked) return checked.error;
  const body = checked.body;
  const err = contactErrors(body, false);
  if (err) return err;
  Object.assign(ct, body, { modifiedTime: deskTime() });
  return json(200, ct);
}

export function searchContacts(c: DeskCtx): Reply {
  const q = c.r.query;
  const p = queryCheck(q, ['from', 'limit', 'email', 'firstName', 'lastName', 'fullName', 'phone', 'mobile', 'accountName', 'id', '_all', 'sortBy'], 100);
  if (isReply(p)) return p;
  const fullName = (x: Rec): string => [x['firstName'], x['lastName']].filter(Boolean).join(' ');
  const account = (x: Rec): unknown => c.s.desk.accounts.get(String(x['accountId'] ?? ''))?.['accountName'];
  const rows = orgRows(c, c.s.desk.contacts).filter((x) =>
    (['email', 'firstName', 'lastName', 'phone', 'mobile'] as const).every((k) => q[k] === undefined || wildMatch(q[k], x[k])) &&
    (q['id'] === undefined || x['id'] === q['id']) &&
    (q['fullName'] === undefined || wildMatch(q['fullName'], fullName(x))) &&
    (q['accountName'] === undefined || wildMatch(q['accountName'], account(x))) &&
    (q['_all'] === undefined || [x['email'], fullName(x), x['phone'], x['mobile']].some((v) => wildMatch(`*${q['_all']?.replace(/^\*|\*$/g, '')}*`, v))));
  const sorted = sortRows(rows, q['sortBy'], ['createdTime', 'modifiedTime', 'firstName', 'lastName', 'fullName', 'email'], 'createdTime');
  if (!Array.isArray(sorted)) return sorted;
  const page = sorted.slice(p.from, p.from + p.limit);
  if (page.length === 0) return noContent();
  return json(200, { data: page, count: sorted.length });
}

export const accounts = (c: DeskCtx): Reply =>
  list(c, c.s.desk.accounts, ['from', 'limit', 'viewId', 'sortBy', 'include', 'fields', 'ids'], 100);
export const account = (c: DeskCtx): Reply => one(c, c.s.desk.accounts);
