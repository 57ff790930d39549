import { ZohoApiError } from './zoho-api-error.ts';
import type { QueryValue, ZohoHttp } from './zoho-http.ts';

/** Every call may carry the run's abort signal. */
export interface CallOptions {
  signal?: AbortSignal;
}

type Query = Record<string, QueryValue>;
type Rec = Record<string, unknown>;
const seg = encodeURIComponent;

/**
 * Zoho CRM v8 (`{api_domain}/crm/v8`): one method per request our tools send, each one that
 * Zoho's OpenAPI files (shared/zoho-crm-oas/v8.0) describe. Bodies come back as Zoho sends them;
 * empty answers (204) are null.
 */
export function createCrmClient(http: ZohoHttp) {
  const get = (path: string, query: Query | undefined, o?: CallOptions) => http({ method: 'GET', path, query, signal: o?.signal });
  const write = (method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, query: Query | undefined, o?: CallOptions) =>
    http({ method, path, body, query, signal: o?.signal }).then(firstRecordResult);
  return {
    listModules: (o?: CallOptions) => get('/settings/modules', undefined, o),
    getFields: (module: string, o?: CallOptions) => get('/settings/fields', { module }, o),
    listRecords: (module: string, query: Query, o?: CallOptions) => get(`/${seg(module)}`, query, o),
    getRecord: (module: string, id: string, query: Query = {}, o?: CallOptions) => get(`/${seg(module)}/${seg(id)}`, query, o),
    searchRecords: (module: string, query: Query, o?: CallOptions) => get(`/${seg(module)}/search`, query, o),
    createRecord: (module: string, record: Rec, o?: CallOptions) => write('POST', `/${seg(module)}`, { data: [record] }, undefined, o),
    updateRecord: (module: string, id: string, record: Rec, o?: CallOptions) =>
      write('PUT', `/${seg(module)}/${seg(id)}`, { data: [record] }, undefined, o),
    upsertRecord: (module: string, record: Rec, duplicateCheckFields: string[] | undefined, o?: CallOptions) =>
      write('POST', `/${seg(module)}/upsert`, { data: [record], ...(duplicateCheckFields ? { duplicate_check_fields: duplicateCheckFields } : {}) }, undefined, o),
    deleteRecord: (module: string, id: string, o?: CallOptions) => write('DELETE', `/${seg(module)}/${seg(id)}`, undefined, undefined, o),
    coqlQuery: (selectQuery: string, o?: CallOptions) => http({ method: 'POST', path: '/coql', body: { select_query: selectQuery }, signal: o?.signal }),
    listNotes: (query: Query, o?: CallOptions) => get('/Notes', query, o),
    createNote: (note: Rec, o?: CallOptions) => write('POST', '/Notes', { data: [note] }, undefined, o),
    listRelatedRecords: (module: string, id: string, relatedList: string, query: Query, o?: CallOptions) =>
      get(`/${seg(module)}/${seg(id)}/${seg(relatedList)}`, query, o),
    getCurrentUser: (o?: CallOptions) => get('/users', { type: 'CurrentUser' }, o),
    listUsers: (query: Query, o?: CallOptions) => get('/users', query, o),
    getOrg: (o?: CallOptions) => get('/org', undefined, o),
    /** convert_lead.json: the body's one item names the contact, account and deal to convert into. */
    convertLead: (id: string, conversion: Rec, o?: CallOptions) =>
      write('POST', `/Leads/${seg(id)}/actions/convert`, { data: [conversion] }, undefined, o),
    /** tags.json: the mass form, one result per record in `data[]`. */
    addTags: (module: string, body: { tags: Array<{ name: string }>; ids: string[]; over_write: boolean }, o?: CallOptions) =>
      http({ method: 'POST', path: `/${seg(module)}/actions/add_tags`, body, signal: o?.signal }),
    removeTags: (module: string, body: { tags: Array<{ name: string }>; ids: string[] }, o?: CallOptions) =>
      http({ method: 'POST', path: `/${seg(module)}/actions/remove_tags`, body, signal: o?.signal }),
    listAttachments: (module: string, id: string, query: Query, o?: CallOptions) => get(`/${seg(module)}/${seg(id)}/Attachments`, query, o),
    updateRelatedRecord: (module: string, id: string, relatedList: string, relatedId: string, record: Rec, o?: CallOptions) =>
      write('PUT', `/${seg(module)}/${seg(id)}/${seg(relatedList)}/${seg(relatedId)}`, { data: [record] }, undefined, o),
    /** Up to 100 records; one result per record in `data[]` (a mixed outcome answers 207). */
    upsertRecords: (module: string, body: { data: Rec[]; duplicate_check_fields?: string[]; trigger?: string[] }, o?: CallOptions) =>
      http({ method: 'POST', path: `/${seg(module)}/upsert`, body, signal: o?.signal }),
  };
}

export type CrmClient = ReturnType<typeof createCrmClient>;

/**
 * Writes answer per record inside `data[]`, and a request can succeed at the HTTP level while its
 * one record failed (ZOHO.md 3.2 "Writes"): a failed item becomes a ZohoApiError like any other.
 */
function firstRecordResult(body: any): Rec | null {
  const item = Array.isArray(body?.data) ? body.data[0] : body;
  if (item?.status === 'error') {
    throw new ZohoApiError({
      app: 'crm',
      httpStatus: 400,
      zohoCode: item.code,
      zohoMessage: item.message,
      zohoDetails: item.details,
      mayHaveApplied: false,
    });
  }
  return item ?? null;
}
