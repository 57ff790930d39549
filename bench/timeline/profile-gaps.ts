// What the server's CPU did in each gap of bench/chat-timeline: the samples of its V8 CPU profile
// (timestamps on CLOCK_MONOTONIC, as the socket marks) put in the gap of the chat they fall in.
import { readFileSync } from 'node:fs';
import { groupOf } from '../profile/cpu-summary.ts';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Profile {
  nodes: Array<{ id: number; callFrame: Frame; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

export interface TracedChat {
  /** When the client sent the request, ms on the monotonic clock. */
  sentAt: number;
  milestones: Map<string, number>;
}

const IDLE = new Set(['(idle)', '(program)', '(root)']);
const label = (f: Frame) => `${f.functionName || '(anonymous)'} ${f.url ? `${groupOf(f)}:${f.lineNumber + 1}` : ''}`.trim();

/** Per gap (named by the milestone that ends it): sampled ms per chat, and where: the nearest frame of ours, and self. */
export function profileGaps(file: string, chats: TracedChat[], top = 4): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ours = (id: number): string => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = nodes.get(cur)!.callFrame;
      if (f.url.includes('/dist/src/')) return `${f.functionName || '(anonymous)'} ${f.url.split('/dist/')[1]}:${f.lineNumber + 1}`;
    }
    return '(none of ours)';
  };
  const sorted = chats.map((c) => ({
    ...c,
    marks: [...c.milestones].filter(([, ms]) => Number.isFinite(ms)).sort((a, b) => a[1] - b[1]),
  }));
  const gaps = new Map<string, { ms: number; self: Map<string, number>; ours: Map<string, number> }>();
  let t = profile.startTime / 1000;
  let chat = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += (profile.timeDeltas[i] ?? 0) / 1000;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = nodes.get(profile.samples[i]!)!;
    if (IDLE.has(node.callFrame.functionName)) continue;
    while (chat + 1 < sorted.length && sorted[chat + 1]!.sentAt <= t) chat++;
    const c = sorted[chat];
    if (!c || t < c.sentAt) continue;
    const rel = t - c.sentAt;
    const end = c.marks.find(([, at]) => at >= rel);
    if (!end) continue;
    const g = gaps.get(end[0]) ?? { ms: 0, self: new Map<string, number>(), ours: new Map<string, number>() };
    g.ms += ms;
    g.self.set(label(node.callFrame), (g.self.get(label(node.callFrame)) ?? 0) + ms);
    const mine = ours(node.id);
    g.ours.set(mine, (g.ours.get(mine) ?? 0) + ms);
    gaps.set(end[0], g);
  }
  const per = (v: number) => `${(v / chats.length).toFixed(3)} ms`;
  const topOf = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${per(v)} ${k}`);
  const lines: string[] = [];
  for (const [name, g] of [...gaps].sort((a, b) => b[1].ms - a[1].ms)) {
    lines.push(`→ ${name}: ${per(g.ms)} sampled per chat`);
    lines.push(`    in our code: ${topOf(g.ours).join('; ')}`);
    lines.push(`    self:        ${topOf(g.self).join('; ')}`);
  }
  return lines;
}
