// The producer's deployable bundle, built as `wrangler deploy --env producer`
// builds it: small, and with nothing of the database or the admin side in it.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFFLINE_ENV } from "../scripts/local-stack/offline-env.ts";

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eventline-producer-bundle-"));
  execFileSync("node_modules/.bin/wrangler", ["deploy", "--dry-run", "--env", "producer", "--outdir", dir], {
    env: { ...process.env, ...OFFLINE_ENV },
    stdio: "pipe",
  });
  bundle = await readFile(join(dir, "index.js"), "utf8");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the producer bundle", () => {
  it("contains no Prisma code and no database or admin setting", () => {
    for (const word of ["PrismaClient", "prisma", "@prisma", "query_compiler", "DATABASE_URL", "ADMIN_TOKEN", "jsonb_to_recordset"]) {
      expect(bundle.includes(word), word).toBe(false);
    }
  });

  it("contains no benchmark route", () => {
    expect(bundle.includes("__bench")).toBe(false);
  });

  it("stays within 64 KiB gzip", () => {
    expect(gzipSync(bundle).length).toBeLessThanOrEqual(64 * 1024);
  });
});
