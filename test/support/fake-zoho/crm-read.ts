// CRM reads: list, get one, search, count, related records (OAS record.json, module_search.json, related_records.json).
import type { CrmCtx } from './crm-common.ts';
import { crmErr, fieldsParam, intParam, pageInfo, project, requiredParam, table } from './crm-common.ts';
import type { Crit } from './crm-criteria.ts';
import { checkCriteria, matchCriteria, parseCriteria } from './crm-criteria.ts';
import type { ModuleDef } from './crm-schema.ts';
import { moduleDef } from './crm-schema.ts';
import type { Rec, Reply } from './types.ts';
import { isObj, json, lc, noContent } from './util.ts';

const MAX_PER_PAGE = 200;
const MAX_FIELDS = 50;
const SORTABLE = ['id', 'Created_Time', 'Modified_Time'];

/** OAS common.json InvalidParamDetails. */
const badParam = (param: string, supported?: string[]): Reply =>
  crmErr(400, 'INVALID_DATA', { ...(supported ? { supported_values: supported } : {}), param_name: param, param }, 'invalid data');

interface Paging {
  page: number;
  perPage: number;
}

function paging(q: Record<string, string>): Paging | Reply {
  const page = intParam(q['page'], 1);
  const perPage = intParam(q['per_page'], MAX_PER_PAGE);
  if (!(page >= 1)) return badParam('page');
  if (!(perPage >= 1)) return badParam('per_page');
  // ZOHO.md 3.2: per_page default and max 200 (larger values are capped here).
  return { page, perPage: Math.min(perPage, MAX_PER_PAGE) };
}

function fieldList(q: Record<string, string>, required: boolean): string[] | undefined | Reply {
  const fields = fieldsParam(q['fields']);
  if (!fields || fields.length === 0) return required ? requiredParam('fields') : undefined;
  if (fields.length > MAX_FIELDS) return crmErr(400, 'LIMIT_EXCEEDED', { param_name: 'fields', limit: MAX_FIELDS }, 'Max field limit exceeded');
  return fields;
}

function pageOut(rows: Rec[], p: Paging, fields: string[] | undefined, extra: Rec = {}): Reply {
  const start = (p.page - 1) * p.perPage;
  const slice = rows.slice(start, start + p.perPage);
  if (slice.length === 0) return noContent();
  return json(200, {
    data: slice.map((r) => project(r, fields)),
    info: pageInfo(p.page, p.perPage, slice.length, rows.length > start + p.perPage, extra),
  });
}

const cmp = (a: unknown, b: unknown): number => (String(a ?? '') < String(b ?? '') ? -1 : String(a ?? '') > String(b ?? '') ? 1 : 0);

export function listRecords(c: CrmCtx, m: ModuleDef): Reply {
  const q = c.r.query;
  const fields = fieldList(q, true);
  if (!Array.isArray(fields)) return fields ?? requiredParam('fields');
  const p = paging(q);
  if ('status' in p) return p;
  const sortBy = q['sort_by'] ?? 'id';
  const sortOrder = q['sort_order'] ?? 'desc';
  if (!SORTABLE.includes(sortBy)) return badParam('sort_by', SORTABLE);
  if (sortOrder !== 'asc' && sortOrder !== 'desc') return badParam('sort_order', ['asc', 'desc']);
  let rows = [...table(c.s, m.api).values()];
  if (q['ids']) {
    const ids = new Set(q['ids'].split(',').map((x) => x.trim()));
    rows = rows.filter((r) => ids.has(String(r['id'])));
  }
  rows.sort((a, b) => (sortOrder === 'asc' ? 1 : -1) * (cmp(a[sortBy], b[sortBy]) || cmp(a['id'], b['id'])));
  return pageOut(rows, p, fields, {
    sort_by: sortBy,
    sort_order: sortOrder,
    next_page_token: null,
    previous_page_token: null,
    page_token_expiry: null,
  });
}

export function getRecord(c: CrmCtx, m: ModuleDef, id: string): Reply {
  const fields = fieldList(c.r.query, false);
  if (fields !== undefined && !Array.isArray(fields)) return fields;
  if (!/^\d+$/.test(id)) return crmErr(400, 'INVALID_DATA', { id }, 'the id given seems to be invalid');
  const rec = table(c.s, m.api).get(id);
  // Unknown id -> 204 (ZOHO.md 3.2 "Empty results"; notes.json lists 204 for a note by id).
  if (!rec) return noContent();
  return json(200, { data: [project(rec, fields)] });
}

const EMAIL_TYPES = new Set(['email']);
const PHONE_TYPES = new Set(['phone']);
const WORD_TYPES = new Set(['text', 'textarea', 'email', 'phone', 'website', 'picklist']);

function anyField(m: ModuleDef, rec: Rec, types: Set<string>, test: (v: string) => boolean): boolean {
  return m.fields.some((f) => types.has(f.type) && typeof rec[f.api] === 'string' && test(rec[f.api] as string));
}

/** criteria > email > phone > word (ZOHO.md 3.2, precedence from Kaizen #30). */
function searchFilter(m: ModuleDef, q: Record<string, string>): ((r: Rec) => boolean) | Reply {
  if (q['criteria'] !== undefined) {
    const crit: Crit | Reply = parseCriteria(q['criteria']);
    if ('status' in crit) return crit;
    const bad = checkCriteria(m, crit);
    if (bad) return bad;
    return (r) => matchCriteria(m, r, crit);
  }
  const email = q['email'];
  if (email !== undefined) return (r) => anyField(m, r, EMAIL_TYPES, (v) => lc(v) === lc(email));
  const phone = q['phone'];
  if (phone !== undefined) {
    const digits = phone.replace(/\D/g, '');
    return (r) => anyField(m, r, PHONE_TYPES, (v) => digits !== '' && v.replace(/\D/g, '').includes(digits));
  }
  const word = q['word'];
  if (word !== undefined) return (r) => anyField(m, r, WORD_TYPES, (v) => lc(v).includes(lc(word)));
  // module_search.json Mandatory_Param_Missing (message chosen).
  return crmErr(400, 'EXPECTED_PARAM_MISSING', { param_names: ['criteria', 'email', 'phone', 'word'] }, 'One of the expected parameter is missing');
}

export function searchRecords(c: CrmCtx, m: ModuleDef): Reply {
  const q = c.r.query;
  const fields = fieldList(q, false);
  if (fields !== undefined && !Array.isArray(fields)) return fields;
  const p = paging(q);
  if ('status' in p) return p;
  // module_search.json Max_records: a search pages through at most 2000 records.
  if (p.page * p.perPage > 2000) return crmErr(400, 'LIMIT_REACHED', { limit: '2000' }, 'maximum response iteration limit reached');
  const filter = searchFilter(m, q);
  if (typeof filter !== 'function') return filter;
  return pageOut([...table(c.s, m.api).values()].filter(filter), p, fields);
}

export function countRecords(c: CrmCtx, m: ModuleDef): Reply {
  const q = c.r.query;
  const rows = [...table(c.s, m.api).values()];
  if (['criteria', 'email', 'phone', 'word'].every((k) => q[k] === undefined)) return json(200, { count: rows.length });
  const filter = searchFilter(m, q);
  if (typeof filter !== 'function') return filter;
  return json(200, { count: rows.filter(filter).length });
}

export function relatedRecords(c: CrmCtx, m: ModuleDef, id: string, relName: string): Reply {
  const rel = m.related[relName];
  // Chosen message; OAS common.json InvalidUrlError (INVALID_DATA + resource_path_index).
  if (!rel) return crmErr(400, 'INVALID_DATA', { resource_path_index: 2 }, 'the related list name given seems to be invalid');
  if (!table(c.s, m.api).has(id)) return crmErr(400, 'INVALID_DATA', { resource_path_index: 1 }, 'the id given seems to be invalid');
  const fields = fieldList(c.r.query, true);
  if (!Array.isArray(fields)) return fields ?? requiredParam('fields');
  const p = paging(c.r.query);
  if ('status' in p) return p;
  const child = moduleDef(rel.module);
  const rows = [...table(c.s, child?.api ?? rel.module).values()].filter((r) => {
    const ref = r[rel.field];
    return isObj(ref) && ref['id'] === id;
  });
  return pageOut(rows, p, fields);
}
