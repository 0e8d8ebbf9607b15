import { LIMITS } from "../config/limits.ts";

/**
 * Splits items into chunks of at most `maxCount` items and `maxBytes`,
 * keeping order: sendBatch calls (the defaults: the Queues limits, with a
 * per-message overhead) or database statements. `sizeOf` is the serialized
 * size of one item. An item larger than `maxBytes` gets a chunk of its own.
 */
export function chunkBySizeAndCount<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  maxCount: number = LIMITS.maxMessagesPerSend,
  maxBytes: number = LIMITS.maxBytesPerSend,
  overheadPerItem: number = LIMITS.sendOverheadBytesPerMessage,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item) + overheadPerItem;
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
