// Desk v1 router: auth, `orgId` header, route table (ZOHO.md section 4).
import type { DeskCtx } from './desk-common.ts';
import { deskErr, urlNotFound } from './desk-common.ts';
import {
  account, accounts, addContact, agent, agents, contact, contacts, department, departments, myInfo, organization, organizations,
  searchContacts, updateContact,
} from './desk-entities.ts';
import {
  addComment, createTicket, getComment, getThread, getTicket, listComments, listConversations, listThreads, listTickets,
  searchTickets, updateTicket,
} from './desk-tickets.ts';
import { getArticle, searchArticles } from './desk-articles.ts';
import { getField, listFields } from './desk-fields.ts';
import { mailReplyAddresses, sendReply } from './desk-replies.ts';
import type { FakeRequest, Reply, State } from './types.ts';
import { deskScopeOk } from './scopes.ts';
import { bearer, liveAccess } from './util.ts';

type Handler = (c: DeskCtx) => Reply;
interface Route {
  pat: string[];
  noOrg?: boolean;
  methods: Partial<Record<string, Handler>>;
}

// First match wins: literal segments ("search") are listed before ":id".
const ROUTES: Route[] = [
  { pat: ['organizations'], noOrg: true, methods: { GET: organizations } },
  { pat: ['organizations', ':id'], noOrg: true, methods: { GET: organization } },
  { pat: ['myinfo'], methods: { GET: myInfo } },
  { pat: ['departments'], methods: { GET: departments } },
  { pat: ['departments', ':id'], methods: { GET: department } },
  { pat: ['agents'], methods: { GET: agents } },
  { pat: ['agents', ':id'], methods: { GET: agent } },
  { pat: ['contacts'], methods: { GET: contacts, POST: addContact } },
  { pat: ['contacts', 'search'], methods: { GET: searchContacts } },
  { pat: ['contacts', ':id'], methods: { GET: contact, PATCH: updateContact } },
  { pat: ['accounts'], methods: { GET: accounts } },
  { pat: ['accounts', ':id'], methods: { GET: account } },
  { pat: ['tickets'], methods: { GET: listTickets, POST: createTicket } },
  { pat: ['tickets', 'search'], methods: { GET: searchTickets } },
  { pat: ['tickets', ':id'], methods: { GET: getTicket, PATCH: updateTicket } },
  { pat: ['tickets', ':id', 'comments'], methods: { GET: listComments, POST: addComment } },
  { pat: ['tickets', ':id', 'comments', ':sub'], methods: { GET: getComment } },
  { pat: ['tickets', ':id', 'threads'], methods: { GET: listThreads } },
  { pat: ['tickets', ':id', 'threads', ':sub'], methods: { GET: getThread } },
  { pat: ['tickets', ':id', 'conversations'], methods: { GET: listConversations } },
  { pat: ['tickets', ':id', 'sendReply'], methods: { POST: sendReply } },
  { pat: ['mailReplyAddress'], methods: { GET: mailReplyAddresses } },
  { pat: ['fields'], methods: { GET: listFields } },
  { pat: ['fields', ':id'], methods: { GET: getField } },
  { pat: ['articles', 'search'], methods: { GET: searchArticles } },
  { pat: ['articles', ':id'], methods: { GET: getArticle } },
];

function match(segs: string[]): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.pat.length !== segs.length) continue;
    const params: Record<string, string> = {};
    const ok = route.pat.every((p, i) => {
      const seg = segs[i] ?? '';
      if (p.startsWith(':')) {
        params[p.slice(1)] = seg;
        return true;
      }
      return p === seg;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

export function deskRoute(s: State, r: FakeRequest): Reply {
  const a = liveAccess(s, bearer(r.headers['authorization'], false));
  const user = a ? s.users.get(a.zuid) : undefined;
  // Message from the brief; code + 401 from the Desk API document's errorCode list.
  if (!a || !user) return deskErr(401, 'INVALID_OAUTH', 'The OAuth Token you provided is invalid.');
  const segs = r.path.split('/').filter((x) => x !== '').map(decodeURIComponent);
  if (segs[0] !== 'api' || segs[1] !== 'v1') return urlNotFound();
  // SCOPE_MISMATCH per the Desk error list; 401 and message chosen.
  if (!deskScopeOk(a, r.method, segs[2], segs[4])) {
    return deskErr(401, 'SCOPE_MISMATCH', 'The OAuth Token you provided does not have the scope to perform this operation.');
  }
  const m = match(segs.slice(2));
  if (!m) return urlNotFound();
  const handler = m.route.methods[r.method];
  if (!handler) return deskErr(405, 'METHOD_NOT_ALLOWED', 'The method you requested is not allowed for this URL.');
  let orgId = '';
  if (!m.route.noOrg) {
    const hdr = r.headers['orgid'];
    // Chosen (not documented): a missing orgId header is a 422 on the header.
    if (hdr === undefined || hdr === '') {
      return deskErr(422, 'UNPROCESSABLE_ENTITY', "The header 'orgId' is mandatory.", [
        { fieldName: 'orgId', errorType: 'missing', errorMessage: "The header 'orgId' is mandatory." },
      ]);
    }
    // OAUTH_ORG_MISMATCH per the Desk error list; the 401 status is chosen.
    if (!(user.deskOrgIds ?? []).includes(hdr)) {
      return deskErr(401, 'OAUTH_ORG_MISMATCH', `The OAuth Token you provided is not valid for the organization ${hdr}.`);
    }
    orgId = hdr;
  }
  return handler({ s, r, user, orgId, params: m.params });
}
