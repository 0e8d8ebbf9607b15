// A local HTTP proxy between a client and the stack that misbehaves on a
// seeded schedule, the way networks and overloaded servers do: it drops the
// connection before the request reaches the server, drops it after the server
// answered (so the client never learns the events were accepted), answers 429
// or 503 with Retry-After, and refuses bodies over a size with 413.
// Control: POST /__proxy/plan (a FaultPlan; resets the stats), GET /__proxy/stats.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { prng } from "../../../test/support/prng.ts";

const FAULTS = ["resetBeforeForward", "resetAfterForward", "status429", "status503"] as const;
type Fault = (typeof FAULTS)[number];

function pickFault(plan: FaultPlan, roll: number): Fault | undefined {
  let below = 0;
  for (const fault of FAULTS) {
    below += plan[fault] ?? 0;
    if (roll < below) return fault;
  }
  return undefined;
}

export interface FaultPlan {
  seed: number;
  /** Faults for the first requests, in order, before the probabilities apply. */
  script?: Fault[];
  /** Per request, probability of each fault, tried in this order. */
  resetBeforeForward?: number;
  resetAfterForward?: number;
  status429?: number;
  status503?: number;
  /** Retry-After of the 429/503 answers, seconds. */
  retryAfterSeconds?: number;
  /** Bodies over this many bytes are refused with 413 payload_too_large. */
  maxBodyBytes?: number;
}

export interface FaultStats {
  requests: number;
  forwarded: number;
  resetBeforeForward: number;
  resetAfterForward: number;
  status429: number;
  status503: number;
  status413: number;
}

const noFaults = (): FaultStats => ({
  requests: 0,
  forwarded: 0,
  resetBeforeForward: 0,
  resetAfterForward: 0,
  status429: 0,
  status503: 0,
  status413: 0,
});

export interface FaultProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  let plan: FaultPlan = { seed: 1 };
  let rng = prng(plan.seed);
  let stats = noFaults();

  const server: Server = createServer(async (req, res) => {
    if (req.url === "/__proxy/plan" && req.method === "POST") {
      plan = JSON.parse((await readBody(req)).toString("utf8")) as FaultPlan;
      rng = prng(plan.seed);
      stats = noFaults();
      return void res.writeHead(204).end();
    }
    if (req.url === "/__proxy/stats") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));

    const fault = plan.script?.[stats.requests] ?? pickFault(plan, rng.next());
    stats.requests++;
    if (fault === "resetBeforeForward") {
      stats.resetBeforeForward++;
      // Mid-request: the body has not been read; the client sees its connection reset.
      return void req.socket.destroy();
    }
    const body = await readBody(req);
    if (plan.maxBodyBytes !== undefined && body.length > plan.maxBodyBytes) {
      stats.status413++;
      return void json(res, 413, { code: "payload_too_large", message: `request body exceeds ${plan.maxBodyBytes} bytes` });
    }
    const retryAfter = String(plan.retryAfterSeconds ?? 0);
    if (fault === "resetAfterForward") {
      stats.resetAfterForward++;
      await forward(upstream, req, body);
      return void req.socket.destroy();
    }
    if (fault === "status429") {
      stats.status429++;
      return void json(res, 429, { code: "rate_limited", message: "slow down" }, { "retry-after": retryAfter });
    }
    if (fault === "status503") {
      stats.status503++;
      return void json(res, 503, { code: "queue_unavailable", message: "try later" }, { "retry-after": retryAfter });
    }
    stats.forwarded++;
    const answer = await forward(upstream, req, body);
    const headers = Object.fromEntries([...answer.headers].filter(([name]) => !HOP_HEADERS.includes(name)));
    res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** fetch has already decoded and measured the body. */
const HOP_HEADERS = ["content-encoding", "content-length", "transfer-encoding", "connection"];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(upstream: string, req: IncomingMessage, body: Buffer): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string" && name !== "host" && !HOP_HEADERS.includes(name)) headers.set(name, value);
  }
  return fetch(`${upstream}${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
}

function json(res: import("node:http").ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}
