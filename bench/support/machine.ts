// Where the figures come from: the machine, and how busy it was (other processes share these cores).
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

export function machine(): string {
  let cpu = 'unknown CPU';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {}
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  return `machine: ${availableParallelism()} CPUs (${cpu}), ${gib} GiB RAM, Node ${process.version}, ${new Date().toISOString()}; ${load()}`;
}

export const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`;
