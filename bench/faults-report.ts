// The per-second table of bench/faults: answers by status, p99 latency, and (when Zoho request times are
// given) Zoho attempts per inbound call, each second marked as before, during or after the outage.
import type { Answer } from '../test/reliability/steady-load.ts';
import { percentile, table } from './support/stats.ts';

export interface FaultWindow {
  t0: number;
  downAt: number;
  upAt: number;
}

export function faultTable(answers: Answer[], w: FaultWindow, zohoRequestTimes?: number[]): void {
  const seconds = Math.ceil((Math.max(...answers.map((a) => a.startedAt)) - w.t0) / 1000);
  const statuses = [...new Set(answers.map((a) => a.status))].sort((a, b) => a - b);
  const header = ['second', 'phase', 'sent', ...statuses.map((s) => (s === 0 ? 'no answer' : String(s))), 'p99 ms', 'max ms'];
  if (zohoRequestTimes) header.push('Zoho attempts', 'per call');
  const rows: Array<Array<string | number>> = [];
  for (let s = 0; s < seconds; s++) {
    const from = w.t0 + s * 1000;
    const inSecond = answers.filter((a) => a.startedAt >= from && a.startedAt < from + 1000);
    if (inSecond.length === 0) continue;
    const phase = from + 1000 <= w.downAt ? 'before' : from < w.upAt ? 'DOWN' : 'after';
    const ms = inSecond.map((a) => a.ms);
    const row: Array<string | number> = [
      s, phase, inSecond.length, ...statuses.map((st) => inSecond.filter((a) => a.status === st).length || ''),
      percentile(ms, 99), Math.max(...ms),
    ];
    if (zohoRequestTimes) {
      const attempts = zohoRequestTimes.filter((t) => t >= from && t < from + 1000).length;
      row.push(attempts, (attempts / inSecond.length).toFixed(2));
    }
    rows.push(row);
  }
  table(header, rows);
}
