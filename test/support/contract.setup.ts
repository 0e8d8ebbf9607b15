// setupFile of the e2e project: every fetch a test makes to the local stack
// (a loopback address) is checked against the document of the Worker it
// reaches (contract.ts): an undocumented status or field fails the test at
// the call that received it. Observes only; the exchange itself is untouched.
import { contractViolation } from "./contract.ts";

const original = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const req = new Request(input, init);
  const res = await original(req);
  const url = new URL(req.url);
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") return res;
  const worker = url.pathname === "/v1/events" ? "producer" : "consumer";
  const violation = contractViolation(
    worker,
    req.method,
    req.url,
    res.status,
    await res.clone().text(),
    res.headers.get("content-type") ?? "",
  );
  if (violation) throw new Error(`contract: ${violation}`);
  return res;
};
