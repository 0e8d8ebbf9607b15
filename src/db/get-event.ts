import type { Db } from "./client.ts";

/**
 * One event by its key, and whether it expired. The ledger (event-ledger.ts)
 * says when its copies were received, so the lookup reads only those days'
 * partitions; an id the ledger does not hold (older than the dedupe window, or
 * from before partitioning) is looked up in every partition.
 *
 * `expired`: the ledger remembers the id but no partition holds it: retention
 * dropped it (a 410, not a 404: it was stored once).
 */
export async function getEvent(db: Db, source: string, id: string) {
  const copies = await db.eventId.findMany({ where: { source, id }, select: { receivedAt: true } });
  const receipts = [...new Set(copies.map((c) => c.receivedAt.getTime()))].map((t) => new Date(t));
  const oldestFirst = { receivedAt: "asc" } as const;
  const event =
    (receipts.length > 0
      ? await db.event.findFirst({ where: { source, id, receivedAt: { in: receipts } }, orderBy: oldestFirst })
      : null) ?? (await db.event.findFirst({ where: { source, id }, orderBy: oldestFirst }));
  return { event, expired: event === null && receipts.length > 0 };
}
