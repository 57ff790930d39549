import type { CallOptions } from './crm-client.ts';
import type { QueryValue, ZohoHttp } from './zoho-http.ts';

type Query = Record<string, QueryValue>;
type Rec = Record<string, unknown>;
const seg = encodeURIComponent;

/** Zoho Desk v1 (`{desk}/api/v1`, every call with the `orgId` header set by the transport). */
export function createDeskClient(http: ZohoHttp) {
  const get = (path: string, query: Query | undefined, o?: CallOptions) => http({ method: 'GET', path, query, signal: o?.signal });
  const send = (method: 'POST' | 'PATCH', path: string, body: Rec, o?: CallOptions) => http({ method, path, body, signal: o?.signal });
  return {
    listDepartments: (query: Query, o?: CallOptions) => get('/departments', query, o),
    listAgents: (query: Query, o?: CallOptions) => get('/agents', query, o),
    listTickets: (query: Query, o?: CallOptions) => get('/tickets', query, o),
    searchTickets: (query: Query, o?: CallOptions) => get('/tickets/search', query, o),
    getTicket: (id: string, query: Query = {}, o?: CallOptions) => get(`/tickets/${seg(id)}`, query, o),
    createTicket: (ticket: Rec, o?: CallOptions) => send('POST', '/tickets', ticket, o),
    updateTicket: (id: string, changes: Rec, o?: CallOptions) => send('PATCH', `/tickets/${seg(id)}`, changes, o),
    addTicketComment: (id: string, comment: Rec, o?: CallOptions) => send('POST', `/tickets/${seg(id)}/comments`, comment, o),
    listTicketComments: (id: string, query: Query, o?: CallOptions) => get(`/tickets/${seg(id)}/comments`, query, o),
    listTicketThreads: (id: string, query: Query, o?: CallOptions) => get(`/tickets/${seg(id)}/threads`, query, o),
    listTicketConversations: (id: string, query: Query, o?: CallOptions) => get(`/tickets/${seg(id)}/conversations`, query, o),
    listContacts: (query: Query, o?: CallOptions) => get('/contacts', query, o),
    searchContacts: (query: Query, o?: CallOptions) => get('/contacts/search', query, o),
    getContact: (id: string, o?: CallOptions) => get(`/contacts/${seg(id)}`, undefined, o),
    createContact: (contact: Rec, o?: CallOptions) => send('POST', '/contacts', contact, o),
    updateContact: (id: string, changes: Rec, o?: CallOptions) => send('PATCH', `/contacts/${seg(id)}`, changes, o),
    /** Thread.json `sendReply`: the body's `fromEmailAddress` must be one the portal has configured. */
    sendReply: (ticketId: string, reply: Rec, o?: CallOptions) => send('POST', `/tickets/${seg(ticketId)}/sendReply`, reply, o),
    listMailReplyAddresses: (query: Query, o?: CallOptions) => get('/mailReplyAddress', query, o),
    myInfo: (o?: CallOptions) => get('/myinfo', undefined, o),
    listFields: (query: Query, o?: CallOptions) => get('/fields', query, o),
    getField: (id: string, o?: CallOptions) => get(`/fields/${seg(id)}`, undefined, o),
    searchArticles: (query: Query, o?: CallOptions) => get('/articles/search', query, o),
    getArticle: (id: string, o?: CallOptions) => get(`/articles/${seg(id)}`, undefined, o),
    listAccounts: (query: Query, o?: CallOptions) => get('/accounts', query, o),
    getAccount: (id: string, o?: CallOptions) => get(`/accounts/${seg(id)}`, undefined, o),
  };
}

export type DeskClient = ReturnType<typeof createDeskClient>;
