// A stand-in for the server in the client's unit tests: answers each request
// with the next scripted reply and records what was sent. (The client is what
// is under test; the real server is in eventline.e2e.test.ts.)
export interface SentRequest {
  headers: Headers;
  body: Uint8Array;
  /** The events of the body, as sent. */
  events: { id: string; [k: string]: unknown }[];
}

type Reply = Response | Error | ((req: SentRequest, init: RequestInit) => Response | Error | Promise<Response | Error>);

export function scriptedFetch(...replies: Reply[]) {
  const sent: SentRequest[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const sentBody = init?.body as string | Uint8Array;
    const body = typeof sentBody === "string" ? new TextEncoder().encode(sentBody) : sentBody;
    const req = { headers: new Headers(init?.headers), body, events: JSON.parse(new TextDecoder().decode(body)).events };
    sent.push(req);
    const next = replies.length > 1 ? replies.shift()! : replies[0]!;
    const reply = typeof next === "function" ? await next(req, init ?? {}) : next;
    if (reply instanceof Error) throw reply;
    return reply.clone();
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** A 202 accepting every event of the request. */
export const acceptAll = (req: SentRequest) => json(202, { accepted: req.events.map((e, index) => ({ index, id: e.id })), rejected: [] });
