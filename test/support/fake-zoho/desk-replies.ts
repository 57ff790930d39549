// POST /api/v1/tickets/{id}/sendReply and GET /api/v1/mailReplyAddress (Zoho's Desk OAS Thread.json,
// MailReplyAddress.json). EMAIL needs channel, content and fromEmailAddress, which "must be a from address
// configured in your help desk portal"; 200 answers the new thread. Chosen: only the EMAIL channel, `to`
// defaults to the ticket's email, an unknown from address or status is a 422 on that field.
import type { DeskCtx } from './desk-common.ts';
import { bodyCheck, callerAgent, deskErr, EMAIL_RE, fieldError, inOrg, isReply, orgRows, queryCheck, urlNotFound } from './desk-common.ts';
import { ticketStatuses } from './desk-fields.ts';
import { statusType } from './desk-tickets.ts';
import type { Rec, Reply } from './types.ts';
import { deskId, deskTime, json, lc, noContent } from './util.ts';

const REPLY_FIELDS = ['channel', 'content', 'contentType', 'to', 'cc', 'bcc', 'fromEmailAddress', 'isForward', 'attachmentIds', 'ticketStatus', 'inReplyToThreadId', 'isPrivate'];

const emails = (v: unknown): boolean => typeof v === 'string' && v.split(/[,;]/).every((e) => EMAIL_RE.test(e.trim()));

export function mailReplyAddresses(c: DeskCtx): Reply {
  const q = c.r.query;
  const p = queryCheck({ ...q, from: String(Number(q['from'] ?? 1) - 1) }, ['departmentId', 'isActive', 'from', 'limit'], 100);
  if (isReply(p)) return p;
  const dept = q['departmentId'];
  if (!dept) return deskErr(422, 'UNPROCESSABLE_ENTITY', "The query parameter 'departmentId' is mandatory.", [{ fieldName: 'departmentId', errorType: 'missing', errorMessage: "The query parameter 'departmentId' is mandatory." }]);
  if (dept !== 'allDepartment' && !inOrg(c, dept)) return deskErr(422, 'UNPROCESSABLE_ENTITY', "The value passed for the query parameter 'departmentId' is invalid.");
  const rows = orgRows(c, c.s.desk.mailReplyAddresses).filter((a) =>
    (dept === 'allDepartment' || a['departmentId'] === dept) && (q['isActive'] === undefined || String(a['isActive']) === q['isActive']));
  const page = rows.slice(p.from, p.from + p.limit);
  return page.length === 0 ? noContent() : json(200, { data: page });
}

export function sendReply(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, ['isPrivate', 'sendImmediately'], 100);
  if (isReply(p)) return p;
  const t = c.s.desk.tickets.get(c.params['id'] ?? '');
  if (!t || !inOrg(c, t['id'])) return urlNotFound();
  const checked = bodyCheck(c.r.body, REPLY_FIELDS);
  if ('error' in checked) return checked.error;
  const b = checked.body;
  if (b['channel'] == null) return fieldError('channel', 'missing');
  if (b['channel'] !== 'EMAIL') return fieldError('channel', 'invalid');
  if (typeof b['content'] !== 'string' || b['content'] === '') return fieldError('content', b['content'] == null ? 'missing' : 'invalid');
  if (b['contentType'] !== undefined && !['html', 'plainText'].includes(String(b['contentType']))) return fieldError('contentType', 'invalid');
  if (b['fromEmailAddress'] == null) return fieldError('fromEmailAddress', 'missing');
  const from = orgRows(c, c.s.desk.mailReplyAddresses).find((a) => a['isActive'] === true && lc(a['address']) === lc(b['fromEmailAddress']));
  if (!from) return fieldError('fromEmailAddress', 'invalid', 'INVALID_DATA');
  for (const k of ['to', 'cc', 'bcc']) if (b[k] != null && b[k] !== '' && !emails(b[k])) return fieldError(k, 'invalid');
  const to = b['to'] ?? t['email'];
  if (!emails(to)) return fieldError('to', 'missing');
  if (b['ticketStatus'] != null && !ticketStatuses().some((s) => lc(s) === lc(b['ticketStatus']))) return fieldError('ticketStatus', 'invalid');
  const a = callerAgent(c);
  const content = String(b['content']);
  const thread: Rec = {
    id: deskId(c.s), channel: 'EMAIL', direction: 'out', status: 'SUCCESS', summary: content.replace(/<[^>]*>/g, '').slice(0, 100),
    content, contentType: b['contentType'] === 'html' ? 'text/html' : 'text/plain', createdTime: deskTime(),
    fromEmailAddress: from['address'], to, cc: b['cc'] ?? '', bcc: b['bcc'] ?? '', replyTo: null, isForward: b['isForward'] === true,
    hasAttach: false, attachmentCount: '0', attachments: [], visibility: c.r.query['isPrivate'] === 'true' ? 'private' : 'public',
    isDescriptionThread: false, canReply: true, isContentTruncated: false, responderId: a['id'],
    author: { id: a['id'], name: a['name'], email: a['emailId'], type: 'AGENT', photoURL: null },
  };
  const list = c.s.desk.threads.get(String(t['id'])) ?? [];
  list.push(thread);
  c.s.desk.threads.set(String(t['id']), list);
  t['threadCount'] = String(list.length);
  t['modifiedTime'] = thread['createdTime'];
  if (b['ticketStatus'] != null) {
    t['status'] = ticketStatuses().find((s) => lc(s) === lc(b['ticketStatus']));
    t['statusType'] = statusType(t['status']);
  }
  return json(200, thread);
}
