// The OpenAPI documents both Workers serve: valid OpenAPI 3.1 by a real
// validator, in agreement with the client library's public types, and the
// contract check the other tests run their exchanges through does catch a
// broken promise.

import type { ErrorResponse, IngestResponse, Rejection } from "@eventline/protocol";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, expectTypeOf, it } from "vitest";
import type * as z from "zod/mini";
import { operationsOpenApi } from "../../src/consumer/admin/operations-api.ts";
import { ingestOpenApi, type ingestResponseSchema } from "../../src/producer/ingest/ingest-api.ts";
import type { errorResponseSchema, rejectionSchema } from "../../src/shared/http/error-response.ts";
import { contractViolation } from "../support/contract.ts";

describe("OpenAPI documents", () => {
  it.each([
    ["producer", ingestOpenApi()],
    ["consumer", operationsOpenApi()],
  ])("the %s's is valid OpenAPI 3.1", async (_, doc) => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("documents every route the Workers answer for clients, and not the console", () => {
    expect(Object.keys(ingestOpenApi().paths).sort()).toEqual(["/healthz", "/openapi.json", "/v1/events"]);
    const paths = Object.keys(operationsOpenApi().paths);
    expect(paths).toContain("/admin/dead-letters/replay");
    expect(paths).toContain("/metrics");
    expect(paths).toContain("/v1/rollups");
    expect(paths.some((p) => p.startsWith("/console"))).toBe(false);
  });

  it("agrees with the client library's public types", () => {
    expectTypeOf<z.infer<typeof ingestResponseSchema>>().toEqualTypeOf<IngestResponse>();
    expectTypeOf<z.infer<typeof rejectionSchema>>().toEqualTypeOf<Rejection>();
    expectTypeOf<z.infer<typeof errorResponseSchema>>().toExtend<ErrorResponse>();
  });

  it("the contract check refuses an undocumented status and an undocumented field", () => {
    const url = "http://eventline.test/v1/events";
    expect(contractViolation("producer", "POST", url, 202, JSON.stringify({ accepted: [], rejected: [] }))).toBeUndefined();
    expect(contractViolation("producer", "POST", url, 418, "{}")).toMatch(/does not list/);
    expect(contractViolation("producer", "POST", url, 202, JSON.stringify({ accepted: [], rejected: [], extra: 1 }))).toMatch(
      /extra|Unrecognized/i,
    );
    expect(contractViolation("consumer", "GET", "http://ops.test/console/dead-letters", 200, "<html>")).toBeUndefined();
  });
});
