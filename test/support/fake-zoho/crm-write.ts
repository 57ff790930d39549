// CRM writes: insert / update / upsert / delete with Zoho's per-record results (OAS record.json, common.json).
import type { CrmCtx } from './crm-common.ts';
import { crmErr, lookupRef, requiredParam, table, userRef, writeStatus } from './crm-common.ts';
import type { FieldDef, ModuleDef } from './crm-schema.ts';
import { fieldDef, moduleDef } from './crm-schema.ts';
import type { Rec, Reply } from './types.ts';
import { crmId, crmTime, isObj, json, lc } from './util.ts';

const MAX_RECORDS = 100;
const NOTE_PARENTS = new Set(['Leads', 'Contacts', 'Accounts', 'Deals']);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

/** One failed record in a write answer's `data[]`. */
export const item = (code: string, details: Rec, message: string): Rec => ({ code, details, message, status: 'error' });
type Checked = { values: Rec } | { error: Rec };
type Coerced = { value: unknown } | { error: Rec };

/** Body must be `{"data":[...]}` with 1..100 items; answers the whole-request error otherwise. */
export function dataItems(body: unknown): unknown[] | Reply {
  // Malformed JSON: message "body" is in record.json's message enum; details chosen.
  if (!isObj(body)) return crmErr(400, 'INVALID_DATA', { expected_data_type: 'jsonobject' }, 'body');
  const data = body['data'];
  if (data === undefined) return crmErr(400, 'MANDATORY_NOT_FOUND', { api_name: 'data', json_path: '$.data' }, 'required field not found');
  if (!Array.isArray(data) || data.length === 0) {
    return crmErr(400, 'INVALID_DATA', { api_name: 'data', json_path: '$.data', expected_data_type: 'jsonarray' }, 'invalid data');
  }
  // ZOHO.md 3.2: max 100 records per insert/update/upsert. Code/message from record.json's enums; details chosen.
  if (data.length > MAX_RECORDS) return crmErr(400, 'LIMIT_EXCEEDED', { api_name: 'data', json_path: '$.data', limit: MAX_RECORDS }, 'Record count exceeded');
  if (body['trigger'] !== undefined && !Array.isArray(body['trigger'])) {
    return crmErr(400, 'INVALID_DATA', { api_name: 'trigger', json_path: '$.trigger', expected_data_type: 'jsonarray' }, 'invalid data');
  }
  return data;
}

function coerce(c: CrmCtx, f: FieldDef, v: unknown, path: string): Coerced {
  const bad = (expected: string): Coerced => ({
    error: item('INVALID_DATA', { expected_data_type: expected, api_name: f.api, json_path: path }, 'invalid data'),
  });
  switch (f.type) {
    case 'text': case 'textarea': case 'email': case 'phone': case 'website': case 'picklist': {
      if (typeof v !== 'string') return bad(f.type);
      if (f.length !== undefined && v.length > f.length) {
        return { error: item('INVALID_DATA', { maximum_length: f.length, api_name: f.api, json_path: path }, 'invalid data') };
      }
      if (f.type === 'email' && !EMAIL_RE.test(v)) return bad('email');
      return { value: v };
    }
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2147483647 ? { value: v } : bad('integer');
    case 'currency': case 'double':
      return typeof v === 'number' && Number.isFinite(v) ? { value: v } : bad(f.type);
    case 'boolean':
      return typeof v === 'boolean' ? { value: v } : bad('boolean');
    case 'date':
      return typeof v === 'string' && DATE_RE.test(v) && !Number.isNaN(Date.parse(v)) ? { value: v } : bad('date');
    case 'datetime':
      return typeof v === 'string' && DATETIME_RE.test(v) && !Number.isNaN(Date.parse(v)) ? { value: v } : bad('datetime');
    case 'ownerlookup': {
      const id = typeof v === 'string' ? v : isObj(v) && typeof v['id'] === 'string' ? v['id'] : undefined;
      if (id === undefined) return bad('jsonobject');
      const u = c.s.crm.users.get(id);
      return u ? { value: userRef(u) } : { error: item('INVALID_DATA', { api_name: f.api, json_path: path }, 'invalid data') };
    }
    case 'lookup': {
      if (f.api === 'Parent_Id' && !f.lookup) return noteParent(c, v, path);
      const id = typeof v === 'string' ? v : isObj(v) && typeof v['id'] === 'string' ? v['id'] : undefined;
      if (id === undefined) return bad('jsonobject');
      const ref = lookupRef(c.s, f.lookup ?? '', id);
      return ref ? { value: ref } : { error: item('INVALID_DATA', { api_name: f.api, json_path: path }, 'invalid data') };
    }
  }
}

/** Notes' Parent_Id: `{"module":{"api_name":"Leads"},"id":"..."}` (notes.json Parent_Id). */
function noteParent(c: CrmCtx, v: unknown, path: string): Coerced {
  const mod = isObj(v) && isObj(v['module']) ? v['module']['api_name'] : undefined;
  const id = isObj(v) ? v['id'] : undefined;
  const m = typeof mod === 'string' ? moduleDef(mod) : undefined;
  if (!isObj(v)) return { error: item('INVALID_DATA', { expected_data_type: 'jsonobject', api_name: 'Parent_Id', json_path: path }, 'invalid data') };
  if (!m || !NOTE_PARENTS.has(m.api)) return { error: item('INVALID_DATA', { api_name: 'module', json_path: `${path}.module` }, 'invalid data') };
  const ref = typeof id === 'string' ? lookupRef(c.s, m.api, id) : undefined;
  if (!ref) return { error: item('INVALID_DATA', { api_name: 'id', json_path: `${path}.id` }, 'invalid data') };
  return { value: { module: { api_name: m.api, id: m.id }, ...ref } };
}

/** One record of a write body: mandatory fields (when creating), types, lookups; read-only and unknown keys dropped. */
export function checkRecord(c: CrmCtx, m: ModuleDef, input: unknown, idx: number, creating: boolean): Checked {
  const path = (api: string): string => `$.data[${idx}].${api}`;
  if (!isObj(input)) return { error: item('INVALID_DATA', { expected_data_type: 'jsonobject', json_path: `$.data[${idx}]` }, 'invalid data') };
  const missing = (f: FieldDef): Checked => ({
    error: item('MANDATORY_NOT_FOUND', { api_name: f.api, json_path: path(f.api) }, 'required field not found'),
  });
  if (creating) {
    for (const f of m.fields) {
      const v = input[f.api];
      if (f.mandatory && (v === undefined || v === null || v === '')) return missing(f);
    }
  }
  const values: Rec = {};
  for (const [k, v] of Object.entries(input)) {
    const f = fieldDef(m, k);
    if (!f || f.readOnly) continue; // Zoho silently ignores unknown and read-only keys
    if (v === null || v === '') {
      if (f.mandatory) return missing(f);
      values[k] = null;
      continue;
    }
    const r = coerce(c, f, v, path(k));
    if ('error' in r) return r;
    values[k] = r.value;
  }
  return { values };
}

function finish(m: ModuleDef, rec: Rec): void {
  if (fieldDef(m, 'Full_Name')) {
    rec['Full_Name'] = [rec['First_Name'], rec['Last_Name']].filter((x) => typeof x === 'string' && x !== '').join(' ');
  }
}

const successDetails = (rec: Rec): Rec => ({
  Modified_Time: rec['Modified_Time'],
  Modified_By: rec['Modified_By'],
  Created_Time: rec['Created_Time'],
  id: rec['id'],
  Created_By: rec['Created_By'],
});
const success = (rec: Rec, message: string, extra: Rec = {}): Rec => ({
  code: 'SUCCESS',
  ...extra,
  details: successDetails(rec),
  message,
  status: 'success',
});

export function insertRecord(c: CrmCtx, m: ModuleDef, values: Rec): Rec {
  const now = crmTime();
  const rec: Rec = { id: crmId(c.s) };
  for (const f of m.fields) rec[f.api] = null;
  Object.assign(rec, values);
  rec['Owner'] = values['Owner'] ?? userRef(c.crmUser);
  rec['Created_By'] = userRef(c.crmUser);
  rec['Modified_By'] = userRef(c.crmUser);
  rec['Created_Time'] = now;
  rec['Modified_Time'] = now;
  finish(m, rec);
  table(c.s, m.api).set(String(rec['id']), rec);
  return rec;
}

export function applyUpdate(c: CrmCtx, m: ModuleDef, rec: Rec, values: Rec): void {
  Object.assign(rec, values);
  rec['Modified_By'] = userRef(c.crmUser);
  rec['Modified_Time'] = crmTime();
  finish(m, rec);
}

export function createRecords(c: CrmCtx, m: ModuleDef): Reply {
  const data = dataItems(c.r.body);
  if (!Array.isArray(data)) return data;
  const out = data.map((input, i) => {
    const chk = checkRecord(c, m, input, i, true);
    return 'error' in chk ? chk.error : success(insertRecord(c, m, chk.values), 'record added');
  });
  return json(writeStatus(out, 201), { data: out });
}

/** PUT /{module} (ids in items) or PUT /{module}/{id} (pathId). */
export function updateRecords(c: CrmCtx, m: ModuleDef, pathId?: string): Reply {
  const data = dataItems(c.r.body);
  if (!Array.isArray(data)) return data;
  const items = pathId !== undefined ? data.slice(0, 1) : data;
  const out = items.map((input, i) => {
    const id = pathId ?? (isObj(input) ? input['id'] : undefined);
    if (id === undefined || id === null || id === '') {
      return item('MANDATORY_NOT_FOUND', { api_name: 'id', json_path: `$.data[${i}].id` }, 'required field not found');
    }
    const rec = table(c.s, m.api).get(String(id));
    if (!rec) return item('INVALID_DATA', { id: String(id) }, 'the id given seems to be invalid');
    const chk = checkRecord(c, m, input, i, false);
    if ('error' in chk) return chk.error;
    applyUpdate(c, m, rec, chk.values);
    return success(rec, 'record updated');
  });
  return json(writeStatus(out, 200), { data: out });
}

export function upsertRecords(c: CrmCtx, m: ModuleDef): Reply {
  const data = dataItems(c.r.body);
  if (!Array.isArray(data)) return data;
  const body = c.r.body as Rec;
  const asked = Array.isArray(body['duplicate_check_fields']) ? body['duplicate_check_fields'] : undefined;
  const dupFields = (asked ?? m.dupFields).filter((f): f is string => typeof f === 'string' && fieldDef(m, f) !== undefined);
  const out = data.map((input, i) => {
    const existing = isObj(input) ? findDuplicate(c, m, input, dupFields) : undefined;
    const chk = checkRecord(c, m, input, i, existing === undefined);
    if ('error' in chk) return chk.error;
    if (existing) {
      applyUpdate(c, m, existing.rec, chk.values);
      return success(existing.rec, 'record updated', { duplicate_field: existing.field, action: 'update' });
    }
    return success(insertRecord(c, m, chk.values), 'record added', { duplicate_field: null, action: 'insert' });
  });
  return json(writeStatus(out, 200), { data: out });
}

function findDuplicate(c: CrmCtx, m: ModuleDef, input: Rec, fields: string[]): { rec: Rec; field: string } | undefined {
  for (const field of fields) {
    const v = input[field];
    if (v === undefined || v === null || v === '') continue;
    for (const rec of table(c.s, m.api).values()) if (lc(rec[field]) === lc(v)) return { rec, field };
  }
  return undefined;
}

export function deleteRecords(c: CrmCtx, m: ModuleDef, pathId?: string): Reply {
  const raw = pathId ?? c.r.query['ids'];
  if (raw === undefined || raw === '') return requiredParam('ids');
  const ids = raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (ids.length > MAX_RECORDS) return crmErr(400, 'LIMIT_EXCEEDED', { param_name: 'ids', limit: MAX_RECORDS }, 'Record count exceeded');
  const t = table(c.s, m.api);
  const out = ids.map((id) => {
    if (!t.delete(id)) return item('INVALID_DATA', { id }, 'record not deleted');
    const notes = table(c.s, 'Notes');
    for (const [nid, n] of notes) if (isObj(n['Parent_Id']) && n['Parent_Id']['id'] === id) notes.delete(nid);
    return { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' };
  });
  return json(writeStatus(out, 200), { data: out });
}

