import { vi } from "vitest";

/**
 * Polls `fn` until `check` passes (queue delivery is asynchronous) and returns that value; fails the test when the
 * time is up, with the last value seen. Never a fixed sleep, never a wait that returns without its condition.
 */
export function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  return vi.waitFor(
    async () => {
      const v = await fn();
      if (!check(v)) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${preview(v)}`);
      return v;
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}

function preview(v: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 500 ? `${text.slice(0, 250)} … ${text.slice(-250)}` : text;
}
