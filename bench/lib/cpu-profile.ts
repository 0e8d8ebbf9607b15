// V8's sampling profiler (node:inspector) around a piece of work, summarised
// as the top frames by self time and by where their code lives (a package, a
// folder of this repository, or native): what bench/profile-* print.
import { Session } from "node:inspector/promises";

export interface ProfileSummary {
  /** "| share | frame |" table rows, busiest first. */
  frames: string;
  /** "| share | place |" table rows, busiest first. */
  places: string;
  /** The busy time the shares are of, µs: every sample but idle and the profiler's own. */
  busyMicroseconds: number;
}

/** Runs `work` under the profiler (100 µs sampling); shares are of the time the process was busy (idle time, waiting on I/O, left out). */
export async function profiled<T>(work: () => Promise<T>, top: number): Promise<{ result: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  const result = await work();
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  return { result, summary: summariseProfile(profile, top) };
}

/** The shape of a V8 CPU profile (the inspector protocol's Profiler.Profile) that the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** A V8 CPU profile, from this process or another runtime's inspector (bench/profile-workerd.ts), as the two tables. */
export function summariseProfile(profile: CpuProfile, top: number): ProfileSummary {
  // Self time per frame: samples landing on each node, its time delta summed.
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples!.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0));
  const byFrame = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    const f = node.callFrame;
    const where = f.url.replace(/^file:\/\/.*?\/(node_modules|src|bench|scripts)\//, "$1/");
    const frame = `${f.functionName || "(anonymous)"} ${where ? `${where}:${f.lineNumber + 1}` : ""}`.trim();
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + us);
    const place =
      f.url === ""
        ? f.functionName || "(native)"
        : (/node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(where)?.[1] ?? (where.split("/").slice(0, 2).join("/") || "node:internal"));
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  // Waiting is not work, and the profiler's own stop is not the code under it.
  for (const m of [byFrame, byPlace]) for (const k of m.keys()) if (k === "(idle)" || k.includes("node:inspector")) m.delete(k);
  const total = [...byFrame.values()].reduce((a, b) => a + b, 0);
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `| ${((100 * us) / total).toFixed(1)}% | ${k} |`)
      .join("\n");
  return { frames: rows(byFrame), places: rows(byPlace), busyMicroseconds: total };
}
