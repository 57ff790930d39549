// Desk tickets, comments, threads, conversations (ZOHO.md 4.2).
import type { DeskCtx } from './desk-common.ts';
import {
  bodyCheck, callerAgent, deskErr, EMAIL_RE, fieldError, inOrg, isReply, orgRows, queryCheck, sortRows, urlNotFound, webUrl, wildMatch,
} from './desk-common.ts';
import { createContact } from './desk-entities.ts';
import type { Rec, Reply } from './types.ts';
import { deskId, deskTime, isObj, json, lc, noContent } from './util.ts';

const LIST_PARAMS = ['from', 'limit', 'departmentId', 'departmentIds', 'viewId', 'assignee', 'channel', 'status', 'priority', 'receivedInDays', 'sortBy', 'include', 'fields'];
const SEARCH_PARAMS = ['from', 'limit', 'departmentId', 'id', 'ticketNumber', 'subject', 'description', 'status', 'priority', 'email', 'phone', 'channel', 'category', 'assigneeId', 'contactName', 'accountName', 'createdTimeRange', 'modifiedTimeRange', 'sortBy'];
const INCLUDES = ['contacts', 'products', 'departments', 'team', 'isRead', 'assignee'];
const TICKET_FIELDS = ['subject', 'departmentId', 'contactId', 'contact', 'email', 'phone', 'description', 'status', 'priority', 'assigneeId', 'category', 'subCategory', 'dueDate', 'channel', 'language', 'productId', 'classification', 'resolution', 'teamId', 'accountId', 'cf', 'uploads', 'secondaryContacts'];

export function statusType(status: unknown): string {
  const s = lc(status);
  return s === 'closed' ? 'Closed' : s === 'on hold' ? 'On Hold' : 'Open';
}

function findTicket(c: DeskCtx): Rec | undefined {
  const t = c.s.desk.tickets.get(c.params['id'] ?? '');
  return t && inOrg(c, t['id']) ? t : undefined;
}

function view(c: DeskCtx, t: Rec, include: string[], list: boolean): Rec {
  const out: Rec = { ...t };
  if (list) delete out['description'];
  if (include.includes('contacts')) {
    const ct = c.s.desk.contacts.get(String(t['contactId'] ?? ''));
    out['contact'] = ct ? { id: ct['id'], firstName: ct['firstName'], lastName: ct['lastName'], email: ct['email'], phone: ct['phone'], mobile: ct['mobile'] } : null;
  }
  if (include.includes('departments')) {
    const d = c.s.desk.departments.get(String(t['departmentId'] ?? ''));
    out['department'] = d ? { id: d['id'], name: d['name'] } : null;
  }
  if (include.includes('assignee')) {
    const a = c.s.desk.agents.get(String(t['assigneeId'] ?? ''));
    out['assignee'] = a ? { id: a['id'], firstName: a['firstName'], lastName: a['lastName'], email: a['emailId'], photoURL: null } : null;
  }
  if (include.includes('isRead')) out['isRead'] = true;
  if (include.includes('team')) out['team'] = null;
  return out;
}

function includes(q: Record<string, string>): string[] | Reply {
  const inc = (q['include'] ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  const bad = inc.find((x) => !INCLUDES.includes(x));
  return bad === undefined ? inc : deskErr(422, 'UNPROCESSABLE_ENTITY', `The value passed for the query parameter 'include' is invalid.`);
}

export function listTickets(c: DeskCtx): Reply {
  const q = c.r.query;
  const p = queryCheck(q, LIST_PARAMS, 100);
  if (isReply(p)) return p;
  const inc = includes(q);
  if (!Array.isArray(inc)) return inc;
  const set = (k: string): string[] | undefined => q[k]?.split(',').map((x) => lc(x.trim()));
  const statuses = set('status');
  const priorities = set('priority');
  const channels = set('channel');
  const depts = set('departmentIds') ?? set('departmentId');
  let rows = orgRows(c, c.s.desk.tickets).filter(
    (t) =>
      (!statuses || statuses.includes(lc(t['status']))) &&
      (!priorities || priorities.includes(lc(t['priority']))) &&
      (!channels || channels.includes(lc(t['channel']))) &&
      (!depts || depts.includes(lc(t['departmentId']))) &&
      (q['assignee'] === undefined || (q['assignee'] === 'Unassigned' ? t['assigneeId'] == null : t['assigneeId'] === q['assignee'])),
  );
  if (q['receivedInDays'] !== undefined) {
    const since = Date.now() - Number(q['receivedInDays']) * 86400000;
    rows = rows.filter((t) => Date.parse(String(t['createdTime'])) >= since);
  }
  const sorted = sortRows(rows, q['sortBy'], ['createdTime', 'dueDate', 'recentThread', 'ticketNumber', 'modifiedTime'], '-createdTime');
  if (!Array.isArray(sorted)) return sorted;
  // ZOHO.md 4.2: list body is {"data":[...]} (an empty list is {"data":[]}).
  return json(200, { data: sorted.slice(p.from, p.from + p.limit).map((t) => view(c, t, inc, true)) });
}

export function getTicket(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, ['include'], 100);
  if (isReply(p)) return p;
  const inc = includes(c.r.query);
  if (!Array.isArray(inc)) return inc;
  const t = findTicket(c);
  // Chosen: an unknown / other-org ticket id answers 404 URL_NOT_FOUND.
  return t ? json(200, view(c, t, inc, false)) : urlNotFound();
}

/** Validate + apply ticket fields (creating: subject, departmentId and a contact are required). */
function applyTicket(c: DeskCtx, t: Rec, body: Rec, creating: boolean): Reply | undefined {
  const d = c.s.desk;
  if (creating || 'subject' in body) {
    const v = body['subject'];
    if (v === undefined || v === null || v === '') return fieldError('subject', 'missing');
    if (typeof v !== 'string' || v.length > 255) return fieldError('subject', 'invalid');
  }
  if (creating || 'departmentId' in body) {
    const v = body['departmentId'];
    if (v === undefined || v === null || v === '') return fieldError('departmentId', 'missing');
    if (!d.departments.has(String(v)) || !inOrg(c, String(v))) return fieldError('departmentId', 'invalid', 'INVALID_DATA');
  }
  if (body['assigneeId'] != null && !inOrg(c, String(body['assigneeId']))) return fieldError('assigneeId', 'invalid', 'INVALID_DATA');
  if (body['email'] != null && (typeof body['email'] !== 'string' || !EMAIL_RE.test(body['email']))) return fieldError('email', 'invalid');
  if (body['dueDate'] != null && Number.isNaN(Date.parse(String(body['dueDate'])))) return fieldError('dueDate', 'invalid');
  for (const k of ['status', 'priority', 'description', 'channel', 'category', 'subCategory', 'phone']) {
    if (body[k] != null && typeof body[k] !== 'string') return fieldError(k, 'invalid');
  }
  let contactId: string | undefined;
  if (body['contactId'] != null) {
    if (!inOrg(c, String(body['contactId']))) return fieldError('contactId', 'invalid', 'INVALID_DATA');
    contactId = String(body['contactId']);
  } else if (body['contact'] != null || (creating && typeof body['email'] === 'string')) {
    const ct = isObj(body['contact']) ? body['contact'] : { email: body['email'] };
    const email = typeof ct['email'] === 'string' ? ct['email'] : undefined;
    const existing = email ? orgRows(c, d.contacts).find((x) => lc(x['email']) === lc(email)) : undefined;
    if (existing) contactId = String(existing['id']);
    else {
      const lastName = ct['lastName'] ?? email?.split('@')[0];
      if (typeof lastName !== 'string' || lastName === '') return fieldError('contact/lastName', 'missing');
      contactId = String(createContact(c, { ...ct, lastName })['id']);
    }
  } else if (creating) return fieldError('contactId', 'missing');
  const { contact: _contact, ...rest } = body;
  Object.assign(t, rest);
  if (contactId !== undefined) {
    t['contactId'] = contactId;
    const ct = d.contacts.get(contactId);
    if (t['email'] == null && ct) t['email'] = ct['email'] ?? null;
    if (ct?.['accountId'] != null && t['accountId'] == null) t['accountId'] = ct['accountId'];
  }
  t['statusType'] = statusType(t['status']);
  t['closedTime'] = t['statusType'] === 'Closed' ? (t['closedTime'] ?? deskTime()) : null;
  t['modifiedTime'] = deskTime();
  return undefined;
}

export function createTicket(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, [], 100);
  if (isReply(p)) return p;
  const checked = bodyCheck(c.r.body, TICKET_FIELDS);
  if ('error' in checked) return checked.error;
  const body = checked.body;
  const now = deskTime();
  const t: Rec = {
    id: null, ticketNumber: null, subject: null, description: null, status: 'Open', statusType: 'Open',
    priority: null, channel: 'Web', departmentId: null, contactId: null, accountId: null, email: null, phone: null,
    assigneeId: null, teamId: null, category: null, subCategory: null, classification: null, language: 'English',
    dueDate: null, createdTime: now, modifiedTime: now, closedTime: null, isSpam: false, threadCount: '0', commentCount: '0',
    cf: {}, webUrl: null,
  };
  const err = applyTicket(c, t, body, true);
  if (err) return err;
  const id = deskId(c.s); // numbered only once valid
  Object.assign(t, { id, ticketNumber: String(++c.s.seq.ticketNumber), webUrl: webUrl(c, 'Cases', id) });
  c.s.desk.tickets.set(id, t);
  c.s.desk.orgOf.set(id, c.orgId);
  return json(200, { ...t });
}

export function updateTicket(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, [], 100);
  if (isReply(p)) return p;
  const t = findTicket(c);
  if (!t) return urlNotFound();
  const checked = bodyCheck(c.r.body, TICKET_FIELDS);
  if ('error' in checked) return checked.error;
  const body = checked.body;
  const draft = { ...t };
  const err = applyTicket(c, draft, body, false);
  if (err) return err;
  Object.assign(t, draft);
  return json(200, { ...t });
}

export function searchTickets(c: DeskCtx): Reply {
  const q = c.r.query;
  const p = queryCheck(q, SEARCH_PARAMS, 100, /^customField\d+$/);
  if (isReply(p)) return p;
  const contactName = (t: Rec): string => {
    const ct = c.s.desk.contacts.get(String(t['contactId'] ?? ''));
    return ct ? [ct['firstName'], ct['lastName']].filter(Boolean).join(' ') : '';
  };
  const rows = orgRows(c, c.s.desk.tickets).filter((t) =>
    (['subject', 'description', 'email', 'phone'] as const).every((k) => q[k] === undefined || wildMatch(q[k], t[k])) &&
    (['id', 'ticketNumber', 'departmentId', 'assigneeId', 'category'] as const).every((k) => q[k] === undefined || lc(q[k]) === lc(t[k])) &&
    (['status', 'priority', 'channel'] as const).every((k) => q[k] === undefined || q[k].split(',').some((v) => lc(v.trim()) === lc(t[k]))) &&
    (q['contactName'] === undefined || wildMatch(q['contactName'], contactName(t))),
  );
  const sortBy = q['sortBy'] === 'relevance' || q['sortBy'] === '-relevance' ? undefined : q['sortBy'];
  const sorted = sortRows(rows, sortBy, ['createdTime', 'modifiedTime', 'ticketNumber', 'dueDate'], '-createdTime');
  if (!Array.isArray(sorted)) return sorted;
  const page = sorted.slice(p.from, p.from + p.limit);
  if (page.length === 0) return noContent();
  return json(200, { data: page.map((t) => view(c, t, [], true)), count: sorted.length });
}

export function listComments(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, ['from', 'limit', 'sortBy', 'include'], 100);
  if (isReply(p)) return p;
  if (!findTicket(c)) return urlNotFound();
  const rows = c.s.desk.comments.get(c.params['id'] ?? '') ?? [];
  const sorted = sortRows(rows, c.r.query['sortBy'], ['commentedTime'], 'commentedTime');
  if (!Array.isArray(sorted)) return sorted;
  return json(200, { data: sorted.slice(p.from, p.from + p.limit) });
}

export function getComment(c: DeskCtx): Reply {
  if (!findTicket(c)) return urlNotFound();
  const cm = (c.s.desk.comments.get(c.params['id'] ?? '') ?? []).find((x) => x['id'] === c.params['sub']);
  return cm ? json(200, cm) : urlNotFound();
}

export function addComment(c: DeskCtx): Reply {
  const t = findTicket(c);
  if (!t) return urlNotFound();
  const checked = bodyCheck(c.r.body, ['content', 'isPublic', 'contentType', 'attachmentIds']);
  if ('error' in checked) return checked.error;
  const body = checked.body;
  if (typeof body['content'] !== 'string' || body['content'] === '') return fieldError('content', body['content'] == null ? 'missing' : 'invalid');
  if (body['isPublic'] !== undefined && typeof body['isPublic'] !== 'boolean') return fieldError('isPublic', 'invalid');
  if (body['contentType'] !== undefined && !['html', 'plainText'].includes(String(body['contentType']))) return fieldError('contentType', 'invalid');
  const a = callerAgent(c);
  const now = deskTime();
  const cm: Rec = {
    id: deskId(c.s), content: body['content'], contentType: body['contentType'] ?? 'html', isPublic: body['isPublic'] ?? false,
    commentedTime: now, modifiedTime: now, commenterId: a['id'], attachments: [], mention: [],
    commenter: { id: a['id'], name: a['name'], firstName: a['firstName'], lastName: a['lastName'], email: a['emailId'], photoURL: null, roleName: 'Agent', type: 'AGENT' },
  };
  const list = c.s.desk.comments.get(String(t['id'])) ?? [];
  list.push(cm);
  c.s.desk.comments.set(String(t['id']), list);
  t['commentCount'] = String(list.length);
  return json(200, cm);
}

export function listThreads(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, ['from', 'limit'], 200);
  if (isReply(p)) return p;
  if (!findTicket(c)) return urlNotFound();
  const rows = c.s.desk.threads.get(c.params['id'] ?? '') ?? [];
  return json(200, { data: rows.slice(p.from, p.from + p.limit).map(({ content: _c, ...rest }) => rest) });
}

export function getThread(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, ['include'], 100);
  if (isReply(p)) return p;
  if (!findTicket(c)) return urlNotFound();
  const th = (c.s.desk.threads.get(c.params['id'] ?? '') ?? []).find((x) => x['id'] === c.params['sub']);
  return th ? json(200, th) : urlNotFound();
}

export function listConversations(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, ['from', 'limit'], 100);
  if (isReply(p)) return p;
  if (!findTicket(c)) return urlNotFound();
  const id = c.params['id'] ?? '';
  const items: Rec[] = ([] as Rec[]).concat(
    (c.s.desk.threads.get(id) ?? []).map(({ content: _c, ...th }): Rec => ({ ...th, type: 'thread' })),
    (c.s.desk.comments.get(id) ?? []).map((cm): Rec => ({ ...cm, createdTime: cm['commentedTime'], type: 'comment' })),
  ).sort((a, b) => String(b['createdTime']).localeCompare(String(a['createdTime'])));
  return json(200, { data: items.slice(p.from, p.from + p.limit) });
}
