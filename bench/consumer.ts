// bench/consumer: rows/s of the consumer's write path against the
// alternatives, on the same database in the same run, batches of 100 and 1,000:
//   chosen      insertEvents(): one $queryRaw, jsonb_to_recordset, through the Accelerate client + local pool
//   createMany  Prisma createMany(skipDuplicates) through the same client and pool
//   pg-insert   raw multi-row INSERT … VALUES, node-postgres, direct connection (the baseline)
//   chosen-direct  the very same insertEvents() statement on a direct connection: the SQL's cost without the pool hop
//   pg-copy     COPY FROM STDIN, direct connection
// against a real PostgreSQL (Debian package, started here) and the embedded PGlite.
// Also: Postgres connections seen while 50 consumer invocations write at once.
//
//   npm run bench:consumer [-- --rows 20000 --targets real,embedded]

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { withAccelerate } from "@prisma/extension-accelerate";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { applyMigrations } from "../scripts/db/migrate.ts";
import { startAccelerateEndpoint } from "../scripts/local-stack/accelerate-endpoint.ts";
import { startEmbeddedPostgres } from "../scripts/local-stack/embedded-postgres.ts";
import type { RawSql } from "../src/db/client.ts";
import { insertEvents } from "../src/db/insert-events.ts";
import type { EventMessage } from "../src/events/event-message.ts";
import { PrismaClient } from "../src/generated/prisma-node/client.ts";
import { makeEvents, median } from "./lib/events.ts";
import { startRealPostgres } from "./lib/real-postgres.ts";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "20000" },
    targets: { type: "string", default: "real,embedded" },
    repeats: { type: "string", default: "3" },
  },
});
const ROWS = Number(args.rows);
const REPEATS = Number(args.repeats);

type Writer = (batch: EventMessage[]) => Promise<unknown>;

/** A tagged-template $queryRaw over node-postgres: the same SQL text and parameters the Prisma client would send. */
function directSql(client: pg.Client): RawSql {
  const query = (strings: TemplateStringsArray, values: unknown[]) =>
    client.query(
      strings.reduce((q, part, i) => q + (i > 0 ? `$${i}` : "") + part, ""),
      values,
    );
  return {
    $queryRaw: <T>(strings: TemplateStringsArray, ...values: unknown[]) => query(strings, values).then((r) => r.rows as T),
    $executeRaw: (strings: TemplateStringsArray, ...values: unknown[]) => query(strings, values).then((r) => r.rowCount ?? 0),
    $transaction: () => Promise.reject(new Error("not used by insertEvents")),
  };
}

async function benchTarget(name: string, directUrl: string) {
  await applyMigrations(directUrl);
  const pool = await startAccelerateEndpoint({ databaseUrl: directUrl, logLevel: "off" });
  const client = new PrismaClient({ accelerateUrl: pool.url }).$extends(withAccelerate());
  const direct = new pg.Client({ connectionString: directUrl });
  await direct.connect();
  const truncate = () => direct.query("TRUNCATE events");

  const writers: Record<string, Writer> = {
    chosen: (b) => insertEvents(client, b),
    createMany: (b) =>
      client.event.createMany({
        data: b.map((e) => ({
          source: e.source,
          id: e.id,
          type: e.type,
          occurredAt: e.occurredAt,
          receivedAt: e.receivedAt,
          payload: e.payload as object,
        })),
        skipDuplicates: true,
      }),
    "pg-insert": (b) => {
      const params: unknown[] = [];
      const rows = b.map((e, i) => {
        params.push(e.source, e.id, e.type, e.occurredAt, e.receivedAt, JSON.stringify(e.payload));
        const o = i * 6;
        return `($${o + 1},$${o + 2},$${o + 3},$${o + 4},$${o + 5},$${o + 6})`;
      });
      return direct.query(
        `INSERT INTO events (source,id,type,occurred_at,received_at,payload) VALUES ${rows.join(",")} ON CONFLICT (source,id) DO NOTHING`,
        params,
      );
    },
    // The chosen statement sent directly: separates the cost of the SQL form from the cost of the pool hop.
    "chosen-direct": (b) => insertEvents(directSql(direct), b),
    "pg-copy": async (b) => {
      // COPY has no ON CONFLICT: fastest, but not idempotent (shown for reference only).
      const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
      const text = `${b.map((e) => [e.source, e.id, e.type, e.occurredAt, e.receivedAt, esc(JSON.stringify(e.payload))].join("\t")).join("\n")}\n`;
      await pipeline(
        Readable.from([text]),
        direct.query(copyFrom("COPY events (source,id,type,occurred_at,received_at,payload) FROM STDIN")),
      );
    },
  };

  const results: { target: string; method: string; batch: number; rowsPerSec: number }[] = [];
  for (const batch of [100, 1000]) {
    for (const [method, write] of Object.entries(writers)) {
      // PGlite's wire protocol does not implement COPY FROM STDIN (the request hangs): not measured there.
      if (method === "pg-copy" && name === "embedded") continue;
      const samples: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        await truncate();
        const events = makeEvents(ROWS, `${name}-${method}-${batch}-${r}`);
        const t0 = performance.now();
        try {
          for (let i = 0; i < events.length; i += batch) await write(events.slice(i, i + batch));
        } catch (err) {
          console.error(`[bench] ${name} ${method} batch ${batch}: ${(err as Error).message.split("\n")[0]}`);
          break;
        }
        samples.push(ROWS / ((performance.now() - t0) / 1000));
      }
      if (samples.length) results.push({ target: name, method, batch, rowsPerSec: Math.round(median(samples)) });
      console.error(`[bench] ${name} ${method} batch=${batch}: ${samples.map((s) => Math.round(s)).join(", ")} rows/s`);
    }
  }

  // 50 consumer invocations at once, each with its own client (as 50 isolates would be), 100 rows each.
  await truncate();
  // PGlite is one session: pg_stat_activity there says nothing about connections, so only the real server is sampled.
  let maxConnections: number | null = name === "real" ? 0 : null;
  let sampling = name === "real";
  const sampler = (async () => {
    while (sampling) {
      const r = await direct.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
      );
      maxConnections = Math.max(maxConnections ?? 0, r.rows[0].n);
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  const invocations = Array.from({ length: 50 }, () => new PrismaClient({ accelerateUrl: pool.url }).$extends(withAccelerate()));
  const t0 = performance.now();
  await Promise.all(invocations.map((c, i) => insertEvents(c, makeEvents(100, `${name}-conc-${i}`))));
  const concurrentMs = performance.now() - t0;
  sampling = false;
  await sampler;

  await direct.end();
  await pool.stop();
  return { results, concurrency: { invocations: 50, maxPostgresConnections: maxConnections, ms: Math.round(concurrentMs) } };
}

const report: Record<string, unknown> = { rows: ROWS, repeats: REPEATS, node: process.version, date: new Date().toISOString() };
for (const target of args.targets.split(",")) {
  if (target === "real") {
    const server = await startRealPostgres({ max_connections: "100" });
    try {
      report.real = await benchTarget("real", server.url);
    } finally {
      await server.stop();
    }
  } else if (target === "embedded") {
    const server = await startEmbeddedPostgres();
    try {
      report.embedded = await benchTarget("embedded", server.url);
    } finally {
      await server.stop();
    }
  }
}

for (const target of ["real", "embedded"]) {
  const t = report[target] as Awaited<ReturnType<typeof benchTarget>> | undefined;
  if (!t) continue;
  console.log(
    `\n${target === "real" ? "PostgreSQL (Debian package, local)" : "Embedded PGlite"} — ${ROWS} rows per run, median of ${REPEATS}`,
  );
  console.log("| method | batch 100 rows/s | batch 1000 rows/s | vs pg-insert (100 / 1000) |");
  console.log("|---|---|---|---|");
  const get = (m: string, b: number) => t.results.find((r) => r.method === m && r.batch === b)?.rowsPerSec;
  for (const m of ["chosen", "createMany", "chosen-direct", "pg-insert", "pg-copy"]) {
    const ratio = (b: number) => (get(m, b) && get("pg-insert", b) ? `${((get(m, b)! / get("pg-insert", b)!) * 100).toFixed(0)}%` : "–");
    console.log(`| ${m} | ${get(m, 100) ?? "–"} | ${get(m, 1000) ?? "–"} | ${ratio(100)} / ${ratio(1000)} |`);
  }
  console.log(
    `50 concurrent invocations: ${t.concurrency.maxPostgresConnections ?? "n/a (single session)"} Postgres connections at most (pool limit 10), ${t.concurrency.ms} ms`,
  );
}
console.log(`\n${JSON.stringify(report)}`);
