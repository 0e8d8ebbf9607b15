// A stand-in ingest endpoint for bench/client, run in its own process: it
// parses each POST's events and accepts them all, as fast as Node can, so
// that what remains of a run's time is the sender's. Prints {"url"} when ready.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { events } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { events: { id?: string }[] };
  const accepted = events.map((e, index) => ({ index, id: e.id ?? `sink-${index}` }));
  res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ accepted, rejected: [] }));
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
