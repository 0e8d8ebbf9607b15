import type { Db } from "./client.ts";

export function getEvent(db: Db, source: string, id: string) {
  return db.event.findUnique({ where: { source_id: { source, id } } });
}
