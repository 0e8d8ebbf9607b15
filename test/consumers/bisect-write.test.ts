import { describe, expect, it } from "vitest";
import { bisectWrite } from "../../src/consumer/queues/bisect-write.ts";
import { classifyDbError } from "../../src/shared/errors/classify-db-error.ts";
import { PermanentError } from "../../src/shared/errors/permanent-error.ts";
import { RetryableError } from "../../src/shared/errors/retryable-error.ts";

/** A stand-in database that refuses any batch containing a poison value, like Postgres does. */
function fakeTable(poison: Set<number>) {
  const rows: number[] = [];
  let calls = 0;
  const write = async (items: number[]) => {
    calls++;
    if (items.some((i) => poison.has(i))) throw new PermanentError("bad row", { code: "sqlstate_22P05" });
    rows.push(...items);
    return items.length;
  };
  return { rows, write, calls: () => calls };
}

describe("bisectWrite", () => {
  it("writes a clean batch in one call", async () => {
    const t = fakeTable(new Set());
    const out = await bisectWrite([1, 2, 3], t.write, classifyDbError);
    expect(out).toEqual([{ kind: "written", items: [1, 2, 3], result: 3 }]);
    expect(t.calls()).toBe(1);
  });

  it("isolates one poison item in 100 and writes the other 99 in few calls", async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const t = fakeTable(new Set([37]));
    const out = await bisectWrite(items, t.write, classifyDbError);
    expect(out.filter((o) => o.kind === "poison").map((o) => (o as { item: number }).item)).toEqual([37]);
    expect(t.rows.sort((a, b) => a - b)).toEqual(items.filter((i) => i !== 37));
    expect(t.calls()).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(100)));
  });

  it("isolates several poison items", async () => {
    const t = fakeTable(new Set([0, 5, 9]));
    const out = await bisectWrite(
      Array.from({ length: 10 }, (_, i) => i),
      t.write,
      classifyDbError,
    );
    expect(out.filter((o) => o.kind === "poison").map((o) => (o as { item: number }).item)).toEqual([0, 5, 9]);
    expect(t.rows).toHaveLength(7);
  });

  it("does not split on retryable failures: the whole subset is reported failed", async () => {
    let calls = 0;
    const out = await bisectWrite(
      [1, 2, 3, 4],
      async () => {
        calls++;
        throw new RetryableError("pool down", { code: "P6008" });
      },
      classifyDbError,
    );
    expect(calls).toBe(1);
    expect(out).toEqual([expect.objectContaining({ kind: "failed", items: [1, 2, 3, 4] })]);
  });
});
