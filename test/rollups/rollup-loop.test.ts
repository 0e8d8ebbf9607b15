import { describe, expect, it } from "vitest";
import { rollupLoop } from "../../src/consumer/rollups/rollup-loop.ts";

describe("rollupLoop", () => {
  it("runs chunks until one finds nothing pending", async () => {
    const chunks = [
      { claimed: 3, rows: 3 },
      { claimed: 2, rows: 1 },
      { claimed: 0, rows: 0 },
    ];
    const r = await rollupLoop(async () => chunks.shift()!, { budgetMs: 10_000 });
    expect(r).toEqual({ chunks: 2, claimed: 5, rows: 4, complete: true });
  });

  it("knows it is done from a short chunk, without asking again", async () => {
    let calls = 0;
    const r = await rollupLoop(async () => (++calls === 1 ? { claimed: 200, rows: 200 } : { claimed: 37, rows: 30 }), {
      budgetMs: 10_000,
      chunkSize: 200,
    });
    expect(calls).toBe(2);
    expect(r).toEqual({ chunks: 2, claimed: 237, rows: 230, complete: true });
  });

  it("stops starting chunks when the budget is spent, leaving the rest for the next run", async () => {
    let t = 0;
    let calls = 0;
    const r = await rollupLoop(
      async () => {
        calls++;
        t += 400;
        return { claimed: 10, rows: 10 };
      },
      { budgetMs: 1000, now: () => t },
    );
    expect(calls).toBe(3);
    expect(r).toMatchObject({ chunks: 3, claimed: 30, complete: false });
  });

  it("propagates a failing chunk", async () => {
    await expect(rollupLoop(async () => Promise.reject(new Error("boom")), { budgetMs: 1000 })).rejects.toThrow("boom");
  });
});
