import type { EventMessage } from "../../src/shared/events/event-message.ts";

/** A v2 message body, written the way the producer writes one (for tests that build messages by hand). */
export function eventPacketText(source: string, receivedAt: string, eventTexts: string[]): string {
  return `{"v":2,"source":${JSON.stringify(source)},"receivedAt":${JSON.stringify(receivedAt)},"events":[${eventTexts.join(",")}]}`;
}

/** A v1 event message (one event per message, as dead letters keep events), with the fields a test cares about overridden. */
export function eventMessage(overrides: Partial<EventMessage> = {}): EventMessage {
  return {
    v: 1,
    source: "s",
    id: "e1",
    type: "t",
    occurredAt: "2026-11-01T00:00:00.000Z",
    receivedAt: "2026-11-01T00:00:00.000Z",
    payload: { a: 1 },
    ...overrides,
  };
}

/** An event on a given UTC day at noon, for rollup tests. */
export const eventOnDay = (source: string, day: string, type: string, i: number) =>
  eventMessage({
    source,
    id: `rr-${day}-${type}-${i}`,
    type,
    occurredAt: `${day}T12:00:00.000Z`,
    receivedAt: `${day}T12:00:00.000Z`,
    payload: {},
  });
