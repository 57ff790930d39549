// Reads a process's memory and CPU time from /proc (Linux): works for any pid, whatever that process
// is doing, so the runtime, its peers and the database server are all measured the same way.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`, 100 on Linux x86-64). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A line of /proc/<pid>/status in bytes (VmRSS, VmHWM are given in kB). */
export function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${key}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) * 1024;
}

/** utime + stime of `pid` in ms; NaN once the process is gone. Resolution: one clock tick (10 ms). */
export function procCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return NaN;
  }
  // Fields after "pid (comm) ": state is the first, utime the 12th and stime the 13th (proc(5) 14, 15).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
