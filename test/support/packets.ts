/** A v2 message body, written the way the producer writes one (for tests that build messages by hand). */
export function eventPacketText(source: string, receivedAt: string, eventTexts: string[]): string {
  return `{"v":2,"source":${JSON.stringify(source)},"receivedAt":${JSON.stringify(receivedAt)},"events":[${eventTexts.join(",")}]}`;
}
