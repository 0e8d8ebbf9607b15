/** Opaque pagination cursors: base64url of UTF-8 JSON. */
import type * as z from "zod/mini";
import { ApiError } from "../errors/api-error.ts";

export function encodeCursor(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string): unknown {
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))),
    );
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
