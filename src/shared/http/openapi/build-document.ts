/**
 * An OpenAPI 3.1 document built from the zod schemas the routes validate with
 * and answer with: each Worker lists its operations (ingest-api.ts,
 * operations-api.ts) and this turns them into the document it serves at
 * GET /openapi.json. Nothing in the document is written by hand but the
 * prose; request and response shapes are zod 4's JSON Schema output of the
 * very schemas in use. Pure.
 */
import * as z from "zod/mini";

type Schema = z.ZodMiniType;

export interface Operation {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI path template, e.g. /admin/dead-letters/{id}. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Names of the document's security schemes that admit the caller (any one). */
  security?: string[];
  params?: Schema;
  query?: Schema;
  headers?: { name: string; description: string; required?: boolean; schema?: Record<string, unknown> }[];
  /** Request bodies by media type. */
  body?: Record<string, { schema: Schema | Record<string, unknown> }>;
  /** Responses by status: a JSON body (schema) or another media type. */
  responses: Record<number, { description: string; schema?: Schema; mediaType?: string; headers?: string[] }>;
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
  securitySchemes: Record<string, Record<string, unknown>>;
  /** Reusable response headers by name. */
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

/** JSON Schema of a zod schema: the side of it a request sends (input) or a response carries (output). */
export function jsonSchema(schema: Schema, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** The properties of an object schema as OpenAPI parameters of `where` (path or query). */
function parameters(schema: Schema | undefined, where: "path" | "query") {
  if (!schema) return [];
  const s = jsonSchema(schema, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

export function buildDocument(info: DocumentInfo, operations: readonly Operation[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const responses = Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => [
        status,
        {
          description: r.description,
          ...(r.headers ? { headers: Object.fromEntries(r.headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) } : {}),
          ...(r.schema || r.mediaType
            ? {
                content: {
                  [r.mediaType ?? "application/json"]: { schema: r.schema ? jsonSchema(r.schema, "output") : { type: "string" } },
                },
              }
            : {}),
        },
      ]),
    );
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      operationId: `${op.method}${op.path.replace(/[{}]/g, "").replace(/[/.-]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: op.tags,
      ...(op.security ? { security: op.security.map((s) => ({ [s]: [] })) } : {}),
      parameters: [
        ...parameters(op.params, "path"),
        ...parameters(op.query, "query"),
        ...(op.headers ?? []).map((h) => ({
          name: h.name,
          in: "header",
          description: h.description,
          required: h.required ?? false,
          schema: h.schema ?? { type: "string" },
        })),
      ],
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                Object.entries(op.body).map(([type, b]) => [
                  type,
                  { schema: "_zod" in b.schema ? jsonSchema(b.schema as Schema, "input") : b.schema },
                ]),
              ),
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, description: info.description, license: { name: "MIT", identifier: "MIT" } },
    paths,
    components: { securitySchemes: info.securitySchemes, ...(info.headers ? { headers: info.headers } : {}) },
  };
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;

/** A Worker's document, built on first request and then kept for the isolate's life: it depends on code only. */
export function documentOnce(info: DocumentInfo, operations: readonly Operation[]): () => OpenApiDocument {
  let built: OpenApiDocument | undefined;
  return () => {
    built ??= buildDocument(info, operations);
    return built;
  };
}
