/** One definition with its state for a request, or 404 rollup_not_found: what the API and the console look a definition up by. */

import { ApiError } from "../../shared/errors/api-error.ts";
import type { ConsumerEnv } from "../consumer-env.ts";
import { requestDb } from "../db/request-database.ts";
import { type DefinitionState, readDefinitions } from "../db/rollup-definitions/read-definitions.ts";

export function rollupNotFound(name: string): ApiError {
  return new ApiError(404, "rollup_not_found", `no rollup named "${name}"`, { details: { path: "name" } });
}

export async function findDefinition(c: { env: ConsumerEnv; req: { raw: Request } }, name: string): Promise<DefinitionState> {
  const [d] = await readDefinitions(requestDb(c), name);
  if (!d) throw rollupNotFound(name);
  return d;
}
