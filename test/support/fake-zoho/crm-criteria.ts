// Search API criteria: `((Field:operator:value)and(Field:operator:value))`, backslash escapes for `\,` `\(` `\)`
// (ZOHO.md 3.2 "Search"). Errors use module_search.json's INVALID_QUERY / CRITERIA_LIMIT_EXCEEDED shapes.
import { crmErr } from './crm-common.ts';
import type { FieldDef, ModuleDef } from './crm-schema.ts';
import { fieldDef } from './crm-schema.ts';
import type { Rec, Reply } from './types.ts';
import { isObj, lc } from './util.ts';

export type Crit =
  | { kind: 'cond'; field: string; op: string; values: string[] }
  | { kind: 'and'; left: Crit; right: Crit }
  | { kind: 'or'; left: Crit; right: Crit };

/** module_search.json Max_criteria: "no of criterium that can be given exceed the limit 15". */
const MAX_CONDITIONS = 15;

class CritError extends Error {
  constructor(readonly reply: Reply) {
    super('criteria');
  }
}

// Message casing: record.json's enum has "invalid query formed" (module_search.json capitalises it).
const invalid = (details: Rec): CritError => new CritError(crmErr(400, 'INVALID_QUERY', details, 'invalid query formed'));
// Chosen: details for an unparseable string (no OAS shape fits a syntax error without a field).
const syntax = (): CritError => invalid({ reason: 'invalid criteria' });

interface Ch {
  ch: string;
  esc: boolean;
}

export function parseCriteria(src: string): Crit | Reply {
  let i = 0;
  let conditions = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i] ?? '')) i++;
  };
  const cond = (chars: Ch[]): Crit => {
    const colons: number[] = [];
    chars.forEach((c, k) => {
      if (c.ch === ':' && !c.esc && colons.length < 2) colons.push(k);
    });
    const [c1, c2] = colons;
    if (c1 === undefined || c2 === undefined) throw syntax();
    const text = (a: Ch[]): string => a.map((c) => c.ch).join('');
    const field = text(chars.slice(0, c1)).trim();
    const op = text(chars.slice(c1 + 1, c2)).trim().toLowerCase();
    const rest = chars.slice(c2 + 1);
    const values: string[] = [];
    if (op === 'in' || op === 'between') {
      let cur: Ch[] = [];
      for (const c of rest) {
        if (c.ch === ',' && !c.esc) {
          values.push(text(cur).trim());
          cur = [];
        } else cur.push(c);
      }
      values.push(text(cur).trim());
    } else values.push(text(rest).trim());
    if (field === '' || op === '') throw syntax();
    if (++conditions > MAX_CONDITIONS) {
      throw new CritError(crmErr(400, 'CRITERIA_LIMIT_EXCEEDED', {}, 'no of criterium that can be given exceed the limit 15'));
    }
    return { kind: 'cond', field, op, values };
  };
  const term = (): Crit => {
    ws();
    if (src[i] !== '(') throw syntax();
    i++;
    ws();
    if (src[i] === '(') {
      const e = expr();
      ws();
      if (src[i] !== ')') throw syntax();
      i++;
      return e;
    }
    const chars: Ch[] = [];
    while (i < src.length && src[i] !== ')') {
      const c = src[i] ?? '';
      if (c === '\\' && i + 1 < src.length) {
        chars.push({ ch: src[i + 1] ?? '', esc: true });
        i += 2;
      } else {
        if (c === '(') throw syntax(); // unescaped parenthesis inside a value
        chars.push({ ch: c, esc: false });
        i++;
      }
    }
    if (src[i] !== ')') throw syntax();
    i++;
    return cond(chars);
  };
  const expr = (): Crit => {
    let left = term();
    for (;;) {
      ws();
      const m = /^(and|or)(?=\s|\()/i.exec(src.slice(i));
      if (!m || !m[1]) return left;
      i += m[1].length;
      left = m[1].toLowerCase() === 'and' ? { kind: 'and', left, right: term() } : { kind: 'or', left, right: term() };
    }
  };
  try {
    const e = expr();
    ws();
    if (i !== src.length) throw syntax();
    return e;
  } catch (err) {
    if (err instanceof CritError) return err.reply;
    throw err;
  }
}

const TEXT_OPS = ['equals', 'not_equal', 'starts_with', 'in'];
const ORDER_OPS = ['equals', 'not_equal', 'greater_than', 'greater_equal', 'less_than', 'less_equal', 'between', 'in'];
const BOOL_OPS = ['equals', 'not_equal'];
const REF_OPS = ['equals', 'not_equal', 'in'];

function opsFor(f: FieldDef | undefined): string[] {
  if (!f) return REF_OPS; // `id`
  switch (f.type) {
    case 'integer': case 'currency': case 'double': case 'date': case 'datetime':
      return ORDER_OPS;
    case 'boolean':
      return BOOL_OPS;
    case 'lookup': case 'ownerlookup':
      return REF_OPS;
    default:
      return TEXT_OPS;
  }
}

/** Field / operator / value checks; answers the 400 or undefined when fine. */
export function checkCriteria(m: ModuleDef, c: Crit): Reply | undefined {
  if (c.kind !== 'cond') return checkCriteria(m, c.left) ?? checkCriteria(m, c.right);
  const f = fieldDef(m, c.field);
  if (!f && c.field !== 'id') return invalid({ reason: 'the field is not available', api_name: c.field }).reply;
  if (!opsFor(f).includes(c.op)) return invalid({ operator: c.op, reason: 'invalid operator found', api_name: c.field }).reply;
  if (c.op === 'between' && c.values.length !== 2) return invalid({ reason: 'invalid value', api_name: c.field, value: c.values.join(',') }).reply;
  const numeric = f && (f.type === 'integer' || f.type === 'currency' || f.type === 'double');
  for (const v of c.values) {
    if (numeric && (v === '' || Number.isNaN(Number(v)))) {
      return invalid({ expected_data_type: f.type, reason: 'invalid value', api_name: c.field }).reply;
    }
    if (f?.type === 'boolean' && v !== 'true' && v !== 'false') {
      return invalid({ expected_data_type: 'boolean', reason: 'invalid value', api_name: c.field }).reply;
    }
  }
  return undefined;
}

function comparable(f: FieldDef | undefined, v: unknown): string | number | undefined {
  if (v === null || v === undefined) return undefined;
  if (!f) return String(v);
  if (f.type === 'integer' || f.type === 'currency' || f.type === 'double') return Number(v);
  if (f.type === 'datetime') return Date.parse(String(v));
  if (f.type === 'date') return String(v);
  return lc(v);
}

function eq(f: FieldDef | undefined, recVal: unknown, value: string): boolean {
  if (f && (f.type === 'lookup' || f.type === 'ownerlookup')) {
    if (!isObj(recVal)) return false;
    return recVal['id'] === value || lc(recVal['name']) === lc(value) || lc(recVal['email']) === lc(value);
  }
  const a = comparable(f, recVal);
  return a !== undefined && a === comparable(f, value);
}

export function matchCriteria(m: ModuleDef, rec: Rec, c: Crit): boolean {
  if (c.kind === 'and') return matchCriteria(m, rec, c.left) && matchCriteria(m, rec, c.right);
  if (c.kind === 'or') return matchCriteria(m, rec, c.left) || matchCriteria(m, rec, c.right);
  const f = fieldDef(m, c.field);
  const recVal = rec[c.field];
  const v0 = c.values[0] ?? '';
  const a = comparable(f, recVal);
  const b = comparable(f, v0);
  switch (c.op) {
    case 'equals': return eq(f, recVal, v0);
    case 'not_equal': return !eq(f, recVal, v0);
    case 'in': return c.values.some((v) => eq(f, recVal, v));
    case 'starts_with': return typeof a === 'string' && a.startsWith(String(b));
    case 'greater_than': return a !== undefined && b !== undefined && a > b;
    case 'greater_equal': return a !== undefined && b !== undefined && a >= b;
    case 'less_than': return a !== undefined && b !== undefined && a < b;
    case 'less_equal': return a !== undefined && b !== undefined && a <= b;
    case 'between': {
      const hi = comparable(f, c.values[1]);
      return a !== undefined && b !== undefined && hi !== undefined && a >= b && a <= hi;
    }
    default: return false;
  }
}
