// Summarizes a V8 heap snapshot (.heapsnapshot, from BENCH_HEAP_SNAPSHOT or Chrome DevTools): objects
// grouped by constructor (as DevTools' Summary view groups them) by self size and count, optionally per
// stream, and the largest single objects. Reads the file as bytes and scans it, because a snapshot of
// 1,000 open streams is larger than the longest string V8 can JSON.parse.
//   npx tsx bench/profile/heap-summary.ts <file.heapsnapshot> [top] [per]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
}

const REPEATED_MIN_BYTES = 4096;
const CLOSE = 0x5d; const QUOTE = 0x22; const BACKSLASH = 0x5c;

/** DevTools' grouping: objects and native objects by name, everything else by its type. */
function groupName(type: string, name: string): string {
  if (type === 'object' || type === 'native') return name;
  if (type === 'hidden') return name.startsWith('system /') ? `(${name})` : '(system)';
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)';
  if (type === 'code') return '(compiled code)';
  return `(${type})`;
}

interface Parsed {
  count: number;
  type: Uint8Array;
  name: Uint32Array;
  size: Float64Array;
  types: string[];
  strings: Map<number, string>;
}

function parse(file: string): Parsed {
  const buf = readFileSync(file);
  const nodesAt = buf.indexOf('"nodes":[');
  if (nodesAt < 0) throw new Error(`${file}: no "nodes" array; is it a .heapsnapshot?`);
  const header = JSON.parse(buf.toString('utf8', 0, nodesAt).trim().replace(/,$/, '') + '}') as { snapshot: { meta: Meta; node_count: number } };
  const { meta, node_count: count } = header.snapshot;
  const fields = meta.node_fields.length;
  const [fType, fName, fSize] = ['type', 'name', 'self_size'].map((f) => meta.node_fields.indexOf(f));
  const type = new Uint8Array(count);
  const name = new Uint32Array(count);
  const size = new Float64Array(count);
  let pos = nodesAt + 9;
  for (let k = 0, value = 0, digits = false; ; pos++) {
    const c = buf[pos]!;
    if (c >= 0x30 && c <= 0x39) (value = value * 10 + (c - 0x30)), (digits = true);
    else if (digits) {
      const node = Math.floor(k / fields);
      const field = k % fields;
      if (field === fType) type[node] = value;
      else if (field === fName) name[node] = value;
      else if (field === fSize) size[node] = value;
      k++;
      value = 0;
      digits = false;
    }
    if (c === CLOSE) break;
  }
  // Only the strings that name nodes are kept (every other section before "strings" is numbers).
  const wanted = new Set(name);
  const strings = new Map<number, string>();
  pos = buf.indexOf('"strings":[', pos) + 11;
  for (let index = 0; pos < buf.length && buf[pos] !== CLOSE; pos++) {
    if (buf[pos] !== QUOTE) continue;
    const start = pos;
    for (pos++; buf[pos] !== QUOTE; pos++) if (buf[pos] === BACKSLASH) pos++;
    if (wanted.has(index)) strings.set(index, JSON.parse(buf.toString('utf8', start, pos + 1)) as string);
    index++;
  }
  return { count, type, name, size, types: meta.node_types[0], strings };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Lines: totals, the `top` groups by self size (per `per` streams when given), the largest objects. */
export function summarizeHeapSnapshot(file: string, options: { top?: number; per?: number } = {}): string[] {
  const p = parse(file);
  const top = options.top ?? 20;
  const groups = new Map<string, { count: number; size: number }>();
  let total = 0;
  const largest: number[] = [];
  // Objects of the same kind and the same size, many times over: per-stream copies (request bodies...).
  const repeated = new Map<string, { count: number; size: number; sample: number }>();
  for (let i = 0; i < p.count; i++) {
    const type = p.types[p.type[i]!] ?? '?';
    if (type === 'synthetic') continue;
    const key = groupName(type, p.strings.get(p.name[i]!) ?? '');
    const g = groups.get(key) ?? { count: 0, size: 0 };
    g.count++;
    g.size += p.size[i]!;
    groups.set(key, g);
    total += p.size[i]!;
    if (p.size[i]! >= REPEATED_MIN_BYTES) {
      const r = repeated.get(`${key}|${p.size[i]}`) ?? { count: 0, size: p.size[i]!, sample: i };
      r.count++;
      repeated.set(`${key}|${p.size[i]}`, r);
    }
    if (largest.length < top || p.size[i]! > p.size[largest.at(-1)!]!) {
      largest.push(i);
      largest.sort((a, b) => p.size[b]! - p.size[a]!);
      if (largest.length > top) largest.pop();
    }
  }
  const per = options.per;
  const perCols = (g: { count: number; size: number }) => (per ? `  ${(g.count / per).toFixed(1).padStart(8)}  ${kb(g.size / per).padStart(9)}` : '');
  const label = (i: number) => {
    const type = p.types[p.type[i]!] ?? '?';
    const name = p.strings.get(p.name[i]!) ?? '';
    const group = groupName(type, name);
    const shown = type.includes('string') ? JSON.stringify(name.slice(0, 60)) : name.slice(0, 60);
    return group === name ? group : `${group} ${shown}`;
  };
  return [
    `${p.count} nodes, ${mb(total)} self size in all${per ? `; per-stream columns divide by ${per}` : ''}`,
    `${'constructor'.padEnd(40)}  ${'count'.padStart(9)}  ${'self size'.padStart(9)}${per ? `  ${'count/st'.padStart(8)}  ${'size/st'.padStart(9)}` : ''}`,
    ...[...groups]
      .sort((a, b) => b[1].size - a[1].size)
      .slice(0, top)
      .map(([k, g]) => `${k.slice(0, 40).padEnd(40)}  ${String(g.count).padStart(9)}  ${mb(g.size).padStart(9)}${perCols(g)}`),
    `largest ${Math.min(top, 10)} objects:`,
    ...largest.slice(0, 10).map((i) => `  ${kb(p.size[i]!).padStart(10)}  ${label(i)}`),
    `objects of ${kb(REPEATED_MIN_BYTES)} or more repeated at one size, most memory first:`,
    ...[...repeated.values()]
      .filter((r) => r.count > 1)
      .sort((a, b) => b.count * b.size - a.count * a.size)
      .slice(0, 10)
      .map((r) => `  ${String(r.count).padStart(6)} x ${kb(r.size).padStart(9)} = ${mb(r.count * r.size).padStart(8)}  ${label(r.sample)}`),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top, per] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile/heap-summary.ts <file.heapsnapshot> [top] [per]');
    process.exit(2);
  }
  for (const line of summarizeHeapSnapshot(file, { top: top ? Number(top) : undefined, per: per ? Number(per) : undefined })) console.log(line);
}
