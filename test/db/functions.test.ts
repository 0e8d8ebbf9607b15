// The database functions' migrations are generated from src/consumer/db/functions.ts:
// the newest migration of each must define exactly what the code says, or a
// deploy would run an older statement than the one tested here.
import { describe, expect, it } from "vitest";
import { migratedFunctions } from "../../scripts/db/function-migrations.ts";
import { DATABASE_FUNCTIONS } from "../../src/consumer/db/functions.ts";
import { LAG_BUCKET_BOUNDS_SECONDS } from "../../src/shared/lib/lag-buckets.ts";

describe("database functions", () => {
  it("are defined by their newest migration exactly as src/consumer/db/functions.ts has them (npm run db:migration:new writes it)", async () => {
    const migrated = await migratedFunctions();
    for (const f of DATABASE_FUNCTIONS) expect(migrated.get(f.name), f.name).toBe(f.sql);
  });

  it("file the lag histogram's buckets by the bounds GET /metrics names them by", () => {
    const bucket = DATABASE_FUNCTIONS.find((f) => f.name === "eventline_lag_bucket")?.sql;
    const bounds = bucket
      ?.match(/ARRAY\[([^\]]*)\]/)?.[1]
      ?.split(",")
      .map(Number);
    expect(bounds).toEqual([...LAG_BUCKET_BOUNDS_SECONDS]);
  });
});
