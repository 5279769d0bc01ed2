/** Summary statistics and CPU times for the bench scripts. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The p-th percentile of `values` (nearest rank, rounded down); p = 50 is the median. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

let ticks: number | undefined;

/**
 * CPU time (ms) of a process from /proc/PID/stat: its own (utime + stime) and
 * that of the children it waited for (cutime + cstime). Unlike wall time,
 * barely moved by other load on the machine.
 */
export function processCpuMs(pid: number | 'self'): { own: number; children: number } {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is #3, utime #14, stime #15, cutime #16, cstime #17 (1-based in proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ms = (i: number) => (Number(fields[i]) * 1000) / (ticks as number);
  return { own: ms(11) + ms(12), children: ms(13) + ms(14) };
}
