/**
 * The database functions Eventline defines, as the source of truth: a
 * migration carries each one's definition (npm run db:migration:new writes a
 * new one when a definition here changes), and test/db/functions.test.ts
 * checks that the latest migration of each matches what is here.
 */
import {
  addDayPartitionFunction,
  addGenerationPartitionFunction,
  addPartitionFunction,
  addPartitionsForFunction,
  dropExpiredTableFunction,
  maintainEventsFunction,
} from "./event-partitions.ts";
import { findEventFunction } from "./find-event-function.ts";
import { insertEventsFunction } from "./insert-events.ts";

export const DATABASE_FUNCTIONS: readonly { name: string; sql: string }[] = [
  { name: "eventline_insert_events", sql: insertEventsFunction() },
  { name: "eventline_maintain_events", sql: maintainEventsFunction() },
  { name: "eventline_find_event", sql: findEventFunction() },
  { name: "eventline_drop_expired_table", sql: dropExpiredTableFunction() },
  { name: "eventline_add_partition", sql: addPartitionFunction() },
  { name: "eventline_add_day_partition", sql: addDayPartitionFunction() },
  { name: "eventline_add_generation_partition", sql: addGenerationPartitionFunction() },
  { name: "eventline_add_partitions_for", sql: addPartitionsForFunction() },
];
