import { LIMITS } from "../config/limits.ts";

/**
 * Packs items into sendBatch-sized chunks: at most `maxCount` items and
 * `maxBytes` per chunk, keeping order. `sizeOf` is the serialized size of one
 * item. An item larger than `maxBytes` gets a chunk of its own (the caller
 * rejects such items before this point).
 */
export function chunkBySizeAndCount<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  maxCount: number = LIMITS.maxMessagesPerSend,
  maxBytes: number = LIMITS.maxBytesPerSend,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item) + LIMITS.sendOverheadBytesPerMessage;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
