/** Opaque pagination cursors: base64url of UTF-8 JSON. */
import type * as z from "zod/mini";
import { ApiError } from "../errors/api-error.ts";
import { fromBase64url, toBase64url } from "../lib/base64url.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function encodeCursor(value: unknown): string {
  return toBase64url(new TextEncoder().encode(JSON.stringify(value)));
}

export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(utf8.decode(fromBase64url(cursor)));
  } catch {
    return undefined;
  }
}

/** Decodes a cursor this API issued into its shape, or answers 400 invalid_request. */
export function readCursor<T extends z.ZodMiniType>(cursor: string, schema: T): z.infer<T> {
  const parsed = schema.safeParse(decodeCursor(cursor));
  if (!parsed.success) throw new ApiError(400, "invalid_request", "cursor is not one this API issued", { details: { path: "cursor" } });
  return parsed.data;
}
