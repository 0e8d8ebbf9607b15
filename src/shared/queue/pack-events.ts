/**
 * Packs the accepted events of one request into as few queue messages as the
 * packing budget allows, in order: v2 packets (events/event-message.ts). A
 * single event is one packet; an event larger than the budget travels alone.
 * Each event is serialized once, by the caller; a packet's text is built by
 * concatenation. Pure.
 */
import { LIMITS } from "../config/limits.ts";

export interface Packable {
  /** The event's fields as JSON text (packedFields of its message). */
  text: string;
  /** UTF-8 size of `text`. */
  bytes: number;
}

export interface Packet<T extends Packable> {
  items: T[];
  /** The message body. */
  text: string;
  /** UTF-8 size of `text`. */
  bytes: number;
}

export function packEvents<T extends Packable>(
  source: string,
  receivedAt: string,
  events: readonly T[],
  budget: number = LIMITS.packetBudgetBytes,
): Packet<T>[] {
  // Source names and timestamps are ASCII: their length is their size in bytes.
  const head = `{"v":2,"source":${JSON.stringify(source)},"receivedAt":${JSON.stringify(receivedAt)},"events":[`;
  const tail = "]}";
  const envelope = head.length + tail.length;
  const packets: Packet<T>[] = [];
  let items: T[] = [];
  let bytes = envelope;
  const close = () => {
    if (items.length > 0) packets.push({ items, text: `${head}${items.map((e) => e.text).join(",")}${tail}`, bytes });
  };
  for (const e of events) {
    const added = e.bytes + (items.length > 0 ? 1 : 0); // the comma
    if (items.length > 0 && bytes + added > budget) {
      close();
      items = [];
      bytes = envelope;
    }
    bytes += e.bytes + (items.length > 0 ? 1 : 0);
    items.push(e);
  }
  close();
  return packets;
}
