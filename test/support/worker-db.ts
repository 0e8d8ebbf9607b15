// Reads what the Worker wrote, from inside workerd, through the same pool
// the Worker uses: the real local database, not a copy.
import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client.ts";
import type { Env } from "../../src/env.ts";

export const testEnv = env as unknown as Env;
export const db = () => createDb(testEnv.DATABASE_URL!);

export async function eventsFor(source: string) {
  return db().event.findMany({ where: { source }, orderBy: { id: "asc" } });
}

/** Polls until `check` passes or the time is up; queue delivery is asynchronous. */
export async function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!check(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await fn();
  }
  return last;
}

export const uniq = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
