// The contract check every test exchange goes through: a response to a
// documented path must have a documented status, and its body must be what
// the document says. Runs in workerd (where JSON Schema compilers cannot
// generate code) on the zod schemas the documents are built from; the Node
// variant (contract-node.ts) checks the served documents' JSON Schemas.
import { CONSUMER_OPERATIONS } from "../../src/consumer/admin/operations-api.ts";
import { INGEST_OPERATIONS } from "../../src/producer/ingest/ingest-api.ts";
import type { Operation } from "../../src/shared/http/openapi/build-document.ts";

export type Worker = "producer" | "consumer";
const OPERATIONS: Record<Worker, readonly Operation[]> = { producer: INGEST_OPERATIONS, consumer: CONSUMER_OPERATIONS };

const matcher = (template: string) => new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`);

/** The operation a request names, or undefined for a path the document leaves out (the console, an unknown path). */
export function operationFor(worker: Worker, method: string, pathname: string): Operation | undefined {
  return OPERATIONS[worker].find((op) => op.method === method.toLowerCase() && matcher(op.path).test(pathname));
}

/** Why an exchange breaks the contract, or undefined when it keeps it. */
export function contractViolation(
  worker: Worker,
  method: string,
  url: string,
  status: number,
  body: string,
  contentType = "application/json",
): string | undefined {
  const { pathname } = new URL(url);
  const op = operationFor(worker, method, pathname);
  if (!op) return undefined;
  const documented = op.responses[status];
  if (!documented) return `${method} ${pathname} answered ${status}, which ${worker}'s document does not list`;
  // Another representation of the same answer (format=csv): the document names its media type, not its shape.
  if (!documented.schema || !/json/.test(contentType)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return `${method} ${pathname} ${status}: the body is not JSON`;
  }
  const r = documented.schema.safeParse(json);
  return r.success
    ? undefined
    : `${method} ${pathname} ${status}: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
}

/** A fetch that checks each exchange against the contract and throws on a violation (the response stays readable). */
export function contractChecked(worker: Worker, fetch: (req: Request) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    const method = req.method;
    const res = await fetch(req);
    const violation = contractViolation(
      worker,
      method,
      req.url,
      res.status,
      await res.clone().text(),
      res.headers.get("content-type") ?? "",
    );
    if (violation) throw new Error(`contract: ${violation}`);
    return res;
  };
}
