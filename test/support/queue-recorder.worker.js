// A queue consumer for the producer's tests: it records every message the
// producer put on the real local queue, as delivered, in KV under
// "<source>/<event id>" for each event the message carries, so that a test
// reads back exactly what was enqueued. Not a stand-in for the consumer: it
// writes nowhere else.
export default {
  async queue(batch, env) {
    for (const message of batch.messages) {
      const record = JSON.stringify({ messageId: message.id, body: message.body });
      let events = [];
      try {
        const m = typeof message.body === "string" ? JSON.parse(message.body) : message.body;
        events = Array.isArray(m.events) ? m.events.map((e) => ({ source: m.source, id: e.id })) : [{ source: m.source, id: m.id }];
      } catch {}
      for (const e of events) await env.RECORDED.put(`${e.source}/${e.id}`, record);
      message.ack();
    }
  },
};
