// CPU time (user + system) of the processes a benchmark runs, from
// /proc/<pid>/stat, grouped into the parts of the local pipeline: where the
// time of a request goes when every part shares the same cores.
//
// A part is the process a benchmark started in a group of its own and every
// process below it. Descent, not the process group: PostgreSQL's backends
// each lead a group of their own. A process that has ended counts through
// its parent once the parent has reaped it (the children's time in its stat),
// so a backend that lived for one invocation is not lost.
import { readdir, readFile } from "node:fs/promises";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcessGroups {
  /** The local Workers' host process (node: wrangler's harness, the ports' servers), with workerd below it. */
  workersPgid: number;
  /** The database process (PGlite's, or PostgreSQL's postmaster, with its backends). */
  databasePgid?: number;
  /** A connection pooler (PgBouncer). */
  poolerPgid?: number;
}

interface ProcessStat {
  comm: string;
  ppid: number;
  pgrp: number;
  /** Its own CPU time and that of the children it has reaped, in ms. */
  ms: number;
}

async function readStats(): Promise<Map<number, ProcessStat>> {
  const stats = new Map<number, ProcessStat>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const f = statFields(stat);
    // utime, stime, cutime, cstime: fields 14–17 of proc(5).
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    stats.set(Number(entry), {
      comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
      ppid: Number(f[1]),
      pgrp: Number(f[2]),
      ms: (ticks / TICKS_PER_SECOND) * 1000,
    });
  }
  return stats;
}

/** The fields of a /proc stat line after the command name (which may hold spaces and parentheses): f[0] is field 3 of proc(5). */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** The first of `roots` above `pid` (or `pid` itself), by parent or by process group, if any. */
function rootOf(stats: Map<number, ProcessStat>, pid: number, roots: readonly number[]): number | undefined {
  for (let p: number | undefined = pid; p !== undefined && p > 1; p = stats.get(p)?.ppid) {
    if (roots.includes(p)) return p;
    const pgrp = stats.get(p)?.pgrp;
    if (pgrp !== undefined && roots.includes(pgrp)) return pgrp;
  }
  return undefined;
}

/** CPU milliseconds so far per part: "load generator", "database", "workerd", "Workers host (node)", … */
export async function cpuByPart(groups: ProcessGroups): Promise<Map<string, number>> {
  const stats = await readStats();
  const roots = [groups.workersPgid, groups.databasePgid, groups.poolerPgid].filter((r) => r !== undefined);
  const out = new Map<string, number>();
  for (const [pid, s] of stats) {
    let part: string;
    if (pid === process.pid) part = "load generator (autocannon)";
    else {
      const root = rootOf(stats, pid, roots);
      if (root === undefined) continue; // not the benchmark's
      if (root === groups.databasePgid) part = "database";
      else if (root === groups.poolerPgid) part = "pooler (PgBouncer)";
      else if (s.comm === "workerd") part = "workerd (both Workers, queue, rate limiter)";
      else if (s.comm === "node" || s.comm === "MainThread") part = "Workers host (node)";
      else part = s.comm;
    }
    out.set(part, (out.get(part) ?? 0) + s.ms);
  }
  return out;
}

/**
 * CPU milliseconds so far of the main thread of each workerd process under
 * the Workers' host, by process id. A workerd process runs every isolate it
 * holds on that one thread (here: both Workers, the queue broker, the rate
 * limiter; wrangler adds a second process for its proxy); its other thread
 * is V8's helper. A thread's time over the wall time says how near it is to
 * being the bound (1.0: busy all the time).
 */
export async function workerdMainThreads(groups: ProcessGroups): Promise<Map<number, number>> {
  const stats = await readStats();
  const out = new Map<number, number>();
  for (const [pid, s] of stats) {
    if (s.comm !== "workerd" || rootOf(stats, pid, [groups.workersPgid]) === undefined) continue;
    try {
      const f = statFields(await readFile(`/proc/${pid}/task/${pid}/stat`, "utf8"));
      out.set(pid, ((Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND) * 1000); // utime, stime: this thread's own
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** The busiest workerd main thread between two readings: its CPU time ÷ `wallMs`. */
export function busiestThread(before: Map<number, number>, after: Map<number, number>, wallMs: number): number {
  let ms = 0;
  for (const [pid, v] of after) ms = Math.max(ms, v - (before.get(pid) ?? 0));
  return ms / wallMs;
}

export function cpuDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const d = new Map<string, number>();
  for (const [k, v] of after) d.set(k, v - (before.get(k) ?? 0));
  return d;
}
