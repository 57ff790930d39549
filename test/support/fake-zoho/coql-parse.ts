// COQL parser: select <cols> from <Module> where <cond> [order by f [asc|desc], ...] [limit n [, m] | limit n offset m]
// (ZOHO.md 3.2 "COQL"; WHERE is mandatory - a bare `select ... from X` is a SYNTAX_ERROR in Zoho's COQL).

export type Val = string | number | boolean;
export type Col = { kind: 'field'; name: string } | { kind: 'agg'; fn: string; field: string; key: string };
export type Cond =
  | { kind: 'and'; left: Cond; right: Cond }
  | { kind: 'or'; left: Cond; right: Cond }
  | { kind: 'cmp'; field: string; op: string; value: Val }
  | { kind: 'in'; field: string; not: boolean; values: Val[] }
  | { kind: 'like'; field: string; not: boolean; pattern: string }
  | { kind: 'null'; field: string; not: boolean }
  | { kind: 'between'; field: string; not: boolean; lo: Val; hi: Val };

export interface Query {
  cols: Col[];
  module: string;
  where: Cond;
  orderBy: Array<{ field: string; desc: boolean }>;
  limit?: number;
  offset: number;
}

interface Tok {
  t: 'word' | 'str' | 'num' | 'op' | 'punc' | 'eof';
  v: string;
  pos: number;
}

export class CoqlSyntaxError extends Error {
  constructor(readonly details: Record<string, unknown>) {
    super('coql syntax');
  }
}

const near = (tok: Tok): CoqlSyntaxError => new CoqlSyntaxError({ line: 1, column: tok.pos + 1, near: tok.v });

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const word = /^[A-Za-z_$][\w$.]*/.exec(rest);
    const num = /^-?\d+(\.\d+)?/.exec(rest);
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(rest);
    if (word) {
      out.push({ t: 'word', v: word[0], pos: i });
      i += word[0].length;
    } else if (num) {
      out.push({ t: 'num', v: num[0], pos: i });
      i += num[0].length;
    } else if (op) {
      out.push({ t: 'op', v: op[0] === '<>' ? '!=' : op[0], pos: i });
      i += op[0].length;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= src.length) throw new CoqlSyntaxError({ line: 1, column: i + 1, near: src.slice(i, i + 20) });
        const d = src[j] ?? '';
        if (d === '\\' && j + 1 < src.length) {
          v += src[j + 1];
          j += 2;
        } else if (d === c && src[j + 1] === c) {
          v += c;
          j += 2;
        } else if (d === c) break;
        else {
          v += d;
          j++;
        }
      }
      out.push({ t: 'str', v, pos: i });
      i = j + 1;
    } else if (',()*'.includes(c)) {
      out.push({ t: 'punc', v: c, pos: i });
      i++;
    } else throw new CoqlSyntaxError({ line: 1, column: i + 1, near: c });
  }
  out.push({ t: 'eof', v: '', pos: src.length });
  return out;
}

const AGGS = new Set(['count', 'sum', 'min', 'max', 'avg']);

export function parseCoql(src: string): Query {
  const toks = tokenize(src);
  let k = 0;
  const peek = (): Tok => toks[k] ?? { t: 'eof', v: '', pos: src.length };
  const next = (): Tok => {
    const t = peek();
    k++;
    return t;
  };
  const isKw = (w: string): boolean => peek().t === 'word' && peek().v.toLowerCase() === w;
  const kw = (w: string): void => {
    if (!isKw(w)) throw near(peek());
    k++;
  };
  const punc = (p: string): void => {
    if (peek().t !== 'punc' || peek().v !== p) throw near(peek());
    k++;
  };
  const ident = (): string => {
    const t = next();
    if (t.t === 'word' || t.t === 'str') return t.v; // quoted names allowed (reserved words, Kaizen #171)
    throw near(t);
  };
  const value = (): Val => {
    const t = next();
    if (t.t === 'str') return t.v;
    if (t.t === 'num') {
      const n = Number(t.v);
      return Number.isSafeInteger(n) || t.v.includes('.') ? n : t.v; // keep 19-digit ids exact
    }
    if (t.t === 'word') {
      const w = t.v.toLowerCase();
      return w === 'true' ? true : w === 'false' ? false : t.v;
    }
    throw near(t);
  };
  const col = (): Col => {
    const t = peek();
    if (t.t === 'punc' && t.v === '*') throw near(t);
    const name = ident();
    if (AGGS.has(name.toLowerCase()) && peek().t === 'punc' && peek().v === '(') {
      punc('(');
      const field = ident();
      punc(')');
      return { kind: 'agg', fn: name.toUpperCase(), field, key: `${name.toUpperCase()}(${field})` };
    }
    return { kind: 'field', name };
  };
  const pred = (): Cond => {
    const field = ident();
    if (isKw('is')) {
      k++;
      const not = isKw('not');
      if (not) k++;
      kw('null');
      return { kind: 'null', field, not };
    }
    const not = isKw('not');
    if (not) k++;
    if (isKw('in')) {
      k++;
      punc('(');
      const values = [value()];
      while (peek().t === 'punc' && peek().v === ',') {
        k++;
        values.push(value());
      }
      punc(')');
      return { kind: 'in', field, not, values };
    }
    if (isKw('like')) {
      k++;
      const t = next();
      if (t.t !== 'str') throw near(t);
      return { kind: 'like', field, not, pattern: t.v };
    }
    if (isKw('between')) {
      k++;
      const lo = value();
      kw('and');
      return { kind: 'between', field, not, lo, hi: value() };
    }
    if (not || peek().t !== 'op') throw near(peek());
    return { kind: 'cmp', field, op: next().v, value: value() };
  };
  const atom = (): Cond => {
    if (peek().t === 'punc' && peek().v === '(') {
      k++;
      const c = cond();
      punc(')');
      return c;
    }
    return pred();
  };
  // More than two criteria must be bracketed in pairs: ((A and B) and C) (Kaizen #171).
  const cond = (): Cond => {
    const left = atom();
    if (!isKw('and') && !isKw('or')) return left;
    const op = next().v.toLowerCase();
    const right = atom();
    if (isKw('and') || isKw('or')) throw near(peek());
    return op === 'and' ? { kind: 'and', left, right } : { kind: 'or', left, right };
  };

  kw('select');
  const cols = [col()];
  while (peek().t === 'punc' && peek().v === ',') {
    k++;
    cols.push(col());
  }
  kw('from');
  const module = ident();
  if (!isKw('where')) {
    if (peek().t === 'eof' || isKw('order') || isKw('limit')) throw new CoqlSyntaxError({ clause: 'where' });
    throw near(peek());
  }
  k++;
  const where = cond();
  const orderBy: Query['orderBy'] = [];
  if (isKw('order')) {
    k++;
    kw('by');
    do {
      if (orderBy.length > 0) k++;
      const field = ident();
      let desc = false;
      if (isKw('asc') || isKw('desc')) desc = next().v.toLowerCase() === 'desc';
      orderBy.push({ field, desc });
    } while (peek().t === 'punc' && peek().v === ',');
  }
  let limit: number | undefined;
  let offset = 0;
  const int = (): number => {
    const t = next();
    if (t.t !== 'num' || !/^\d+$/.test(t.v)) throw near(t);
    return Number(t.v);
  };
  if (isKw('limit')) {
    k++;
    limit = int();
    if (peek().t === 'punc' && peek().v === ',') {
      k++; // `limit offset, count`
      offset = limit;
      limit = int();
    } else if (isKw('offset')) {
      k++;
      offset = int();
    }
  }
  if (peek().t !== 'eof') throw near(peek());
  return { cols, module, where, orderBy, ...(limit !== undefined ? { limit } : {}), offset };
}
