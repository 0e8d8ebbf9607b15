/**
 * One JSON object per line: Workers Logs and `wrangler tail` index the fields,
 * and an operator can grep a single event id across producer and consumer.
 */
type Level = "debug" | "info" | "warn" | "error";

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
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
