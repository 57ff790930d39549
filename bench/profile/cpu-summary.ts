// Summarizes a V8 CPU profile (.cpuprofile, from BENCH_CPU_PROF or Chrome DevTools): self time by
// package or folder, then the busiest functions, as plain lines for a terminal or docs/benchmarks.md.
//   npx tsx bench/profile/cpu-summary.ts <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const BUILTINS = '(V8 builtins and native code)';

/** The frame's file: `node_modules/<package>/...`, a path in this repository, or `node:...`. */
function fileOf(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + 1);
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

/** Where a frame's code lives: a package, a folder of ours, a part of Node, or V8's own pseudo-frames. */
export function groupOf(frame: CallFrame): string {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)' || fn === '(program)' || fn === '(idle)' || fn === '(root)') return fn;
  if (!url) return BUILTINS;
  const parts = fileOf(url).split('/');
  if (parts[0] === 'node_modules') return parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/');
  // node:internal/deps/undici/undici.js is fetch; node:internal/webstreams/... the web streams.
  if (parts[0] === 'node:internal') return parts.slice(0, parts[1] === 'deps' ? 3 : 2).join('/');
  if (parts[0]!.startsWith('node:')) return parts[0]!;
  return parts.slice(0, -1).join('/') || parts[0]!;
}

/** `name file:line`, the file shortened to its package (or folder) and base name. */
function functionLabel(frame: CallFrame, group: string): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const base = fileOf(frame.url).split('/').at(-1);
  return `${name} ${group}/${base}:${frame.lineNumber + 1}`;
}

const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1).padStart(5)}%`;
const msOf = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;

/** Lines: busy time, self time by group, the `top` functions by self time. */
export function summarizeCpuProfile(file: string, options: { top?: number } = {}): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfByNode = new Map<number, number>();
  // Each sample lasts until the next one (how DevTools counts self time).
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    selfByNode.set(profile.samples[i]!, (selfByNode.get(profile.samples[i]!) ?? 0) + us);
  }
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfByNode) {
    const frame = frames.get(id)!;
    const group = groupOf(frame);
    total += us;
    byGroup.set(group, (byGroup.get(group) ?? 0) + us);
    if (group.startsWith('(') && group !== BUILTINS) continue;
    const name = functionLabel(frame, group);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const busy = total - (byGroup.get('(idle)') ?? 0);
  const top = options.top ?? 15;
  const sorted = (m: Map<string, number>) => [...m].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `busy ${msOf(busy).trim()} of ${msOf(total).trim()} sampled; shares below are of busy time (self time)`,
    'by package or folder:',
    ...sorted(byGroup).map(([k, us]) => `  ${pct(us, busy)} ${msOf(us)}  ${k}`),
    `top ${top} functions:`,
    ...sorted(byFunction).map(([k, us]) => `  ${pct(us, busy)} ${msOf(us)}  ${k}`),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile/cpu-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  for (const line of summarizeCpuProfile(file, { top: top ? Number(top) : undefined })) console.log(line);
}
