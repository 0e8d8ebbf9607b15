/**
 * Writes the dead letters of one invocation, each message's fate its own.
 * Letters are storable by construction (dead-letter-record.ts), so their write
 * fails only when the database does; if the database still refuses a batch
 * for its data, bisection finds the letter at fault and the others are
 * written. Returns which messages have their letter stored (ack them) and
 * which do not (retry them: the letter is not lost).
 */

import { classifyDbError } from "../../shared/errors/classify-db-error.ts";
import { errorFields, log } from "../../shared/lib/log.ts";
import type { PgQueryable } from "../db/client.ts";
import { upsertDeadLetters } from "../db/upsert-dead-letters.ts";
import { bisectWrite } from "./bisect-write.ts";
import { type FailedMessage, toDeadLetter } from "./dead-letter-record.ts";
import { writeWithRetry } from "./write-with-retry.ts";

export interface LetterToWrite<M> {
  msg: M;
  failure: FailedMessage;
}

/** `stored` and `unstored` list a message once per letter: a message with any letter unstored must be retried. */
export async function persistDeadLetters<M>(
  db: PgQueryable,
  items: readonly LetterToWrite<M>[],
  opts: { timeoutMs: number },
): Promise<{ stored: M[]; unstored: M[] }> {
  const stored: M[] = [];
  const unstored: M[] = [];
  // One row per key: two letters for the same event share one row (the last failure wins).
  const byKey = new Map<string, { letter: ReturnType<typeof toDeadLetter>; msgs: M[] }>();
  for (const item of items) {
    const letter = toDeadLetter(item.failure);
    const group = byKey.get(letter.key);
    if (group) {
      group.letter = letter;
      group.msgs.push(item.msg);
    } else byKey.set(letter.key, { letter, msgs: [item.msg] });
  }
  const groups = [...byKey.values()];
  const outcomes = await bisectWrite(
    groups,
    (g) =>
      writeWithRetry(
        () =>
          upsertDeadLetters(
            db,
            g.map((x) => x.letter),
            opts.timeoutMs,
          ),
        opts,
      ),
    classifyDbError,
  );
  for (const o of outcomes) {
    if (o.kind === "written") for (const g of o.items) stored.push(...g.msgs);
    else if (o.kind === "poison") {
      log("error", "dead_letter.unwritable", { key: o.item.letter.key, code: o.error.code, error: o.error.message });
      unstored.push(...o.item.msgs);
    } else {
      log("error", "dead_letter.write_failed", { count: o.items.length, ...errorFields(o.error) });
      for (const g of o.items) unstored.push(...g.msgs);
    }
  }
  return { stored, unstored };
}
