// CPU time (user + system) of the processes a benchmark runs, from
// /proc/<pid>/stat, grouped into the parts of the local pipeline: where the
// time of a request goes when every part shares the same cores.
import { readdir, readFile } from "node:fs/promises";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcessGroups {
  /** Process group of the local Workers: the host process (node: wrangler's harness, the ports' servers), workerd. */
  workersPgid: number;
  /** Process group of the database process (PGlite, or PostgreSQL). */
  databasePgid?: number;
}

/** CPU milliseconds so far per part: "load generator", "database", "workerd", "Workers host (node)", … */
export async function cpuByPart(groups: ProcessGroups): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pgrp = Number(f[2]);
    const ms = ((Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND) * 1000;
    let part: string | undefined;
    if (Number(entry) === process.pid) part = "load generator (autocannon)";
    else if (pgrp === groups.databasePgid) part = "database";
    else if (pgrp === groups.workersPgid)
      part =
        comm === "workerd"
          ? "workerd (both Workers, queue, rate limiter)"
          : comm === "node" || comm === "MainThread"
            ? "Workers host (node)"
            : comm;
    if (part) out.set(part, (out.get(part) ?? 0) + ms);
  }
  return out;
}

export function cpuDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const d = new Map<string, number>();
  for (const [k, v] of after) d.set(k, v - (before.get(k) ?? 0));
  return d;
}
