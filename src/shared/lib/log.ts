/**
 * One JSON object per line: Workers Logs and `wrangler tail` index the fields,
 * and an operator can grep a single event id across producer and consumer.
 *
 * Lines below the level set by LOG_LEVEL (default info) are dropped before
 * they are serialized: a per-request line at debug costs nothing in production.
 */
export type Level = "debug" | "info" | "warn" | "error";

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold = RANK.info;

/** Set from the env at the edge of each handler (producer/index.ts, consumer/index.ts); every invocation of an isolate shares one env. */
export function setLogLevel(level: Level): void {
  threshold = RANK[level];
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < threshold) return;
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  const code = (err as { code?: unknown }).code;
  return { error: err.message, errorName: err.name, ...(code !== undefined ? { errorCode: code } : {}) };
}
