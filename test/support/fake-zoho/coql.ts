// POST /crm/v8/coql (OAS coql.json: 200 {data, info{count, more_records}}; 400 SYNTAX_ERROR / INVALID_QUERY / LIMIT_EXCEEDED).
import type { CrmCtx } from './crm-common.ts';
import { crmErr, table } from './crm-common.ts';
import type { Col, Cond, Query, Val } from './coql-parse.ts';
import { CoqlSyntaxError, parseCoql } from './coql-parse.ts';
import type { FieldDef, ModuleDef } from './crm-schema.ts';
import { moduleDef } from './crm-schema.ts';
import type { Rec, Reply } from './types.ts';
import { isObj, json, lc, noContent } from './util.ts';

const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 2000;
const OWNER_KEYS = ['id', 'email', 'first_name', 'last_name', 'full_name'];

interface Res {
  key: string;
  def?: FieldDef;
  get: (r: Rec) => unknown;
}

const ci = (m: ModuleDef, name: string): FieldDef | undefined => m.fields.find((f) => lc(f.api) === lc(name));

function resolve(c: CrmCtx, m: ModuleDef, name: string): Res | undefined {
  if (lc(name) === 'id') return { key: 'id', get: (r) => r['id'] };
  const [head = '', tail, ...more] = name.split('.');
  const f = ci(m, head);
  if (!f || more.length > 0) return undefined;
  if (tail === undefined) return { key: f.api, def: f, get: (r) => r[f.api] };
  const refId = (r: Rec): string | undefined => {
    const ref = r[f.api];
    return isObj(ref) && typeof ref['id'] === 'string' ? ref['id'] : undefined;
  };
  if (lc(tail) === 'id') return { key: `${f.api}.id`, get: (r) => refId(r) ?? null };
  if (f.type === 'ownerlookup' && OWNER_KEYS.includes(lc(tail))) {
    return { key: `${f.api}.${lc(tail)}`, get: (r) => (c.s.crm.users.get(refId(r) ?? '') as Rec | undefined)?.[lc(tail)] ?? null };
  }
  const tm = f.lookup ? moduleDef(f.lookup) : undefined;
  const tf = tm ? ci(tm, tail) : undefined;
  if (!tm || !tf) return undefined;
  return { key: `${f.api}.${tf.api}`, def: tf, get: (r) => table(c.s, tm.api).get(refId(r) ?? '')?.[tf.api] ?? null };
}

const NUMERIC = new Set(['integer', 'currency', 'double']);
const ORDERED = new Set(['integer', 'currency', 'double', 'date', 'datetime']);

/** Comparable scalar of a record value or a literal, by the field's type. */
function scalar(def: FieldDef | undefined, v: unknown): string | number | boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (isObj(v)) return typeof v['id'] === 'string' ? v['id'] : undefined; // lookups compare by id
  if (def && NUMERIC.has(def.type)) return Number(v);
  if (def?.type === 'datetime') return Date.parse(String(v));
  if (def?.type === 'boolean') return v === true || v === 'true';
  return lc(v);
}

const likeRe = (p: string): RegExp =>
  new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i');

type Checked = { test: (r: Rec) => boolean } | { error: Reply };

const invalidValue = (col: string): Checked => ({
  error: crmErr(400, 'INVALID_QUERY', { column_name: col, clause: 'where' }, 'value given seems to be invalid for the column'),
});
const invalidOp = (col: string, op: string): Checked => ({
  error: crmErr(400, 'INVALID_QUERY', { column_name: col, operator: op, clause: 'where' }, 'invalid query formed'),
});
const invalidColumn = (col: string, clause: string): Reply =>
  crmErr(400, 'INVALID_QUERY', { column_name: col, clause }, 'column given seems to be invalid');

function compile(c: CrmCtx, m: ModuleDef, w: Cond): Checked {
  if (w.kind === 'and' || w.kind === 'or') {
    const l = compile(c, m, w.left);
    const r = compile(c, m, w.right);
    if ('error' in l) return l;
    if ('error' in r) return r;
    return w.kind === 'and' ? { test: (x) => l.test(x) && r.test(x) } : { test: (x) => l.test(x) || r.test(x) };
  }
  const res = resolve(c, m, w.field);
  if (!res) return { error: invalidColumn(w.field, 'where') };
  const def = res.def;
  const type = def?.type ?? 'id';
  const badVal = (v: Val): boolean => def !== undefined && NUMERIC.has(def.type) && Number.isNaN(Number(v));
  const get = (r: Rec): string | number | boolean | undefined => scalar(def, res.get(r));
  switch (w.kind) {
    case 'null':
      return { test: (r) => (get(r) === undefined) !== w.not };
    case 'like': {
      if (ORDERED.has(type) || type === 'boolean') return invalidOp(w.field, 'like');
      const re = likeRe(w.pattern);
      return { test: (r) => { const v = get(r); return v === undefined ? w.not : re.test(String(v)) !== w.not; } };
    }
    case 'in': {
      if (w.values.some(badVal)) return invalidValue(w.field);
      const set = w.values.map((v) => scalar(def, v));
      return { test: (r) => { const v = get(r); return v === undefined ? w.not : set.includes(v) !== w.not; } };
    }
    case 'between': {
      if (!ORDERED.has(type)) return invalidOp(w.field, 'between');
      if (badVal(w.lo) || badVal(w.hi)) return invalidValue(w.field);
      const lo = scalar(def, w.lo) ?? 0;
      const hi = scalar(def, w.hi) ?? 0;
      return { test: (r) => { const v = get(r); return v !== undefined && (v >= lo && v <= hi) !== w.not; } };
    }
    case 'cmp': {
      if (badVal(w.value)) return invalidValue(w.field);
      if (!['=', '!='].includes(w.op) && !ORDERED.has(type)) return invalidOp(w.field, w.op);
      const b = scalar(def, w.value);
      return {
        test: (r) => {
          const a = get(r);
          if (w.op === '!=') return a !== b; // chosen: empty values count as "not equal"
          if (a === undefined || b === undefined) return false;
          return w.op === '=' ? a === b : w.op === '<' ? a < b : w.op === '>' ? a > b : w.op === '<=' ? a <= b : a >= b;
        },
      };
    }
  }
}

function output(cols: Array<{ col: Col; res: Res }>, rows: Rec[]): Rec[] {
  if (cols.some((x) => x.col.kind === 'agg')) {
    const row: Rec = {};
    for (const { col, res } of cols) {
      if (col.kind !== 'agg') continue;
      const vals = rows.map((r) => res.get(r)).filter((v) => v !== null && v !== undefined);
      const nums = vals.map(Number);
      row[col.key] =
        col.fn === 'COUNT' ? vals.length
          : col.fn === 'SUM' ? nums.reduce((a, b) => a + b, 0)
            : col.fn === 'AVG' ? (nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null)
              : nums.length ? (col.fn === 'MIN' ? Math.min(...nums) : Math.max(...nums)) : null;
    }
    return [row];
  }
  return rows.map((r) => {
    const o: Rec = {};
    for (const { res } of cols) {
      const v = res.get(r);
      o[res.key] = isObj(v) ? { id: v['id'] } : v ?? null; // COQL returns lookups as {"id": ...}
    }
    o['id'] = r['id'];
    return o;
  });
}

export function coqlEndpoint(c: CrmCtx): Reply {
  const body = c.r.body;
  if (!isObj(body)) return crmErr(400, 'INVALID_DATA', { expected_data_type: 'jsonobject' }, 'body');
  const sq = body['select_query'];
  if (typeof sq !== 'string' || sq.trim() === '') {
    return crmErr(400, 'MANDATORY_NOT_FOUND', { api_name: 'select_query', json_path: '$.select_query' }, 'required field not found');
  }
  let q: Query;
  try {
    q = parseCoql(sq);
  } catch (e) {
    // Message recalled from Zoho answers (typo included); not in the OAS.
    if (e instanceof CoqlSyntaxError) return crmErr(400, 'SYNTAX_ERROR', e.details, 'error occured while parsing the query');
    throw e;
  }
  const m = moduleDef(q.module);
  if (!m) return crmErr(400, 'INVALID_QUERY', { module: q.module, reason: 'invalid module' }, 'invalid query formed');
  const cols: Array<{ col: Col; res: Res }> = [];
  for (const col of q.cols) {
    const res = resolve(c, m, col.kind === 'agg' ? col.field : col.name);
    if (!res) return invalidColumn(col.kind === 'agg' ? col.field : col.name, 'select');
    cols.push({ col, res });
  }
  const aggs = cols.filter((x) => x.col.kind === 'agg').length;
  if (aggs > 0 && aggs < cols.length) return crmErr(400, 'SYNTAX_ERROR', { clause: 'group by' }, 'error occured while parsing the query');
  const where = compile(c, m, q.where);
  if ('error' in where) return where.error;
  const order: Array<{ res: Res; desc: boolean }> = [];
  for (const o of q.orderBy) {
    const res = resolve(c, m, o.field);
    if (!res) return invalidColumn(o.field, 'order by');
    order.push({ res, desc: o.desc });
  }
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (limit > MAX_LIMIT) return crmErr(400, 'LIMIT_EXCEEDED', { clause: 'limit', limit: MAX_LIMIT }, 'limit exceeded');
  const rows = [...table(c.s, m.api).values()].filter(where.test);
  // Default order: record id ascending (COQL overview).
  const keys = order.length > 0 ? order : [{ res: resolve(c, m, 'id') as Res, desc: false }];
  rows.sort((a, b) => {
    for (const { res, desc } of keys) {
      const x = scalar(res.def, res.get(a));
      const y = scalar(res.def, res.get(b));
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  });
  const data = aggs > 0 ? output(cols, rows) : output(cols, rows.slice(q.offset, q.offset + limit));
  if (data.length === 0) return noContent();
  return json(200, { data, info: { count: data.length, more_records: aggs === 0 && rows.length > q.offset + limit } });
}
