// Helpers shared by the CRM handlers.
import type { ModuleDef } from './crm-schema.ts';
import { moduleDef } from './crm-schema.ts';
import type { CrmUser, FakeRequest, FakeZohoUser, Rec, Reply, State } from './types.ts';
import { json } from './util.ts';

export interface CrmCtx {
  s: State;
  r: FakeRequest;
  user: FakeZohoUser;
  crmUser: CrmUser;
}

/** Zoho CRM error envelope (OAS common.json API_Exception). */
export const crmErr = (status: number, code: string, details: Rec, message: string): Reply =>
  json(status, { code, details, message, status: 'error' });

export const invalidModule = (): Reply =>
  crmErr(400, 'INVALID_MODULE', { resource_path_index: 0 }, 'the module name given seems to be invalid');

export const requiredParam = (param: string): Reply =>
  // Brief + OAS common.json ParamDetails ({param_name, param}).
  crmErr(400, 'REQUIRED_PARAM_MISSING', { param_name: param, param }, 'One of the expected parameter is missing');

export const userRef = (u: CrmUser): Rec => ({ name: u.full_name, id: u.id, email: u.email });
export const userMini = (u: CrmUser): Rec => ({ name: u.full_name, id: u.id });

export function table(s: State, module: string): Map<string, Rec> {
  let t = s.crm.records.get(module);
  if (!t) {
    t = new Map();
    s.crm.records.set(module, t);
  }
  return t;
}

/** Display name of a record, used for lookups' `name`. */
export function recordName(m: ModuleDef, rec: Rec): string {
  return String(rec[m.nameField] ?? '');
}

export function lookupRef(s: State, module: string, id: string): Rec | undefined {
  const m = moduleDef(module);
  const rec = m ? s.crm.records.get(m.api)?.get(id) : undefined;
  return m && rec ? { name: recordName(m, rec), id } : undefined;
}

/** Keep only the requested fields (+ id), in the record's own key order. */
export function project(rec: Rec, fields: string[] | undefined): Rec {
  if (!fields) return { ...rec };
  const want = new Set(fields);
  const out: Rec = {};
  for (const [k, v] of Object.entries(rec)) if (k === 'id' || want.has(k)) out[k] = v;
  return out;
}

export function fieldsParam(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return v
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
}

export function intParam(v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  return Number.isInteger(n) ? n : NaN;
}

/**
 * Status of a multi-record write: all success -> okStatus, mixed -> 207, all failed -> 400
 * (v8 status-codes page: 201 "record added", 207 "partially successful"; all-failed -> 400 chosen).
 */
export function writeStatus(items: Rec[], okStatus: number): number {
  const good = items.filter((i) => i['status'] === 'success').length;
  if (good === items.length) return okStatus;
  return good === 0 ? 400 : 207;
}

/** Paging info block (OAS record.json Info). */
export function pageInfo(page: number, perPage: number, count: number, more: boolean, extra: Rec = {}): Rec {
  return { per_page: perPage, count, page, more_records: more, ...extra };
}
