// Variants of the consumer's function for the benches' comparisons, made from
// its one definition (src/consumer/db/sql/eventline_insert_events.sql) by naming other
// objects in it: every substitution must find what it replaces, so a change to
// the function that a variant no longer fits fails the bench instead of
// measuring something else.
import { DATABASE_FUNCTIONS } from "../../src/consumer/db/functions.ts";

const definition = (name: string) => {
  const f = DATABASE_FUNCTIONS.find((d) => d.name === name);
  if (!f) throw new Error(`no database function ${name}`);
  return f.sql;
};

function substitute(sql: string, replacements: [from: string, to: string, times: number][]): string {
  let out = sql;
  for (const [from, to, times] of replacements) {
    const found = out.split(from).length - 1;
    if (found !== times) throw new Error(`insert variant: expected ${times} of ${from} in the function, found ${found}`);
    out = out.replaceAll(from, to);
  }
  return out;
}

const renamed = (name: string): [string, string, number] => ["FUNCTION eventline_insert_events(", `FUNCTION ${name}(`, 1];

/**
 * The function with every writer on shard 0, as the hot rows were before
 * sharding (bench/consumer.ts): its own copy of the stage counter's function
 * too. Returns the statements that define both.
 */
export function unshardedInsert(name: string): string[] {
  const counter = `${name}_count_stages`;
  return [
    substitute(definition("eventline_count_stages"), [
      ["FUNCTION eventline_count_stages(", `FUNCTION ${counter}(`, 1],
      ["eventline_shard()", "0", 1],
    ]),
    substitute(definition("eventline_insert_events"), [
      renamed(name),
      ["eventline_shard()", "0", 2],
      ["SELECT eventline_count_stages(", `SELECT ${counter}(`, 1],
    ]),
  ];
}

/** The function writing its ledger rows into `table` instead (bench/lifecycle.ts: the ledger unpartitioned). */
export function insertWithLedgerTable(name: string, table: string): string {
  return substitute(definition("eventline_insert_events"), [renamed(name), ["INSERT INTO event_ids ", `INSERT INTO ${table} `, 2]]);
}

/**
 * The function without the ledger (bench/lifecycle.ts: what the ledger costs):
 * no ledger row is written and every key counts as new to it. The receipt
 * days' generations are still looked up, once a day, and the ledger's rows
 * are still made (`ids`).
 */
export function insertWithoutLedger(name: string): string {
  return substitute(definition("eventline_insert_events"), [
    renamed(name),
    ["INSERT INTO event_ids SELECT * FROM ids WHERE optimistic RETURNING 1", "SELECT 1", 1],
    [
      "INSERT INTO event_ids SELECT * FROM ids WHERE NOT optimistic ON CONFLICT DO NOTHING RETURNING source, id",
      "SELECT source, id FROM ids WHERE NOT optimistic",
      1,
    ],
  ]);
}
