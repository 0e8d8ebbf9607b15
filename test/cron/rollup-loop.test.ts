import { describe, expect, it } from "vitest";
import { rollupLoop } from "../../src/cron/rollup-loop.ts";

describe("rollupLoop", () => {
  it("runs chunks until one finds nothing dirty", async () => {
    const chunks = [{ keys: 3, rows: 3 }, { keys: 2, rows: 1 }, { keys: 0, rows: 0 }];
    const r = await rollupLoop(async () => chunks.shift()!, { budgetMs: 10_000 });
    expect(r).toEqual({ chunks: 2, keys: 5, rows: 4, complete: true });
  });

  it("knows it is done from a short chunk, without asking again", async () => {
    let calls = 0;
    const r = await rollupLoop(async () => (++calls === 1 ? { keys: 200, rows: 200 } : { keys: 37, rows: 30 }), { budgetMs: 10_000, chunkKeys: 200 });
    expect(calls).toBe(2);
    expect(r).toEqual({ chunks: 2, keys: 237, rows: 230, complete: true });
  });

  it("stops starting chunks when the budget is spent, leaving the rest for the next run", async () => {
    let t = 0;
    let calls = 0;
    const r = await rollupLoop(
      async () => {
        calls++;
        t += 400;
        return { keys: 10, rows: 10 };
      },
      { budgetMs: 1000, now: () => t },
    );
    expect(calls).toBe(3);
    expect(r).toMatchObject({ chunks: 3, keys: 30, complete: false });
  });

  it("propagates a failing chunk", async () => {
    await expect(rollupLoop(async () => Promise.reject(new Error("boom")), { budgetMs: 1000 })).rejects.toThrow("boom");
  });
});
