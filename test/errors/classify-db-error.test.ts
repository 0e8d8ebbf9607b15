import { describe, expect, it } from "vitest";
import { classifyDbError } from "../../src/shared/errors/classify-db-error.ts";
import { PermanentError } from "../../src/shared/errors/permanent-error.ts";
import { RetryableError } from "../../src/shared/errors/retryable-error.ts";

/** The shape Prisma gives a failed raw query through a driver adapter (P2010 + SQLSTATE). */
const rawQueryError = (sqlstate: string, kind = "postgres") =>
  Object.assign(new Error(`Raw query failed. Code: \`${sqlstate}\``), {
    name: "PrismaClientKnownRequestError",
    code: "P2010",
    meta: { driverAdapterError: { cause: { originalCode: sqlstate, kind } } },
  });

describe("classifyDbError", () => {
  it.each([
    ["22P05", "untranslatable character"],
    ["22001", "string too long"],
    ["23502", "not-null violation"],
  ])("treats SQLSTATE %s (%s) as permanent: the data is at fault", (code) => {
    const c = classifyDbError(rawQueryError(code));
    expect(c).toBeInstanceOf(PermanentError);
    expect(c.code).toBe(`sqlstate_${code}`);
    expect(c.cause).toBeInstanceOf(Error);
  });

  it.each([
    ["08006", "connection failure"],
    ["40001", "serialization failure"],
    ["40P01", "deadlock"],
    ["57P01", "admin shutdown"],
    ["53300", "too many connections"],
    ["42P01", "undefined table: migrations missing, not the message's fault"],
  ])("treats SQLSTATE %s (%s) as retryable", (code) => {
    expect(classifyDbError(rawQueryError(code))).toBeInstanceOf(RetryableError);
  });

  it("uses Prisma and Accelerate codes when there is no SQLSTATE", () => {
    const prisma = (code: string) => Object.assign(new Error(code), { code });
    expect(classifyDbError(prisma("P6004"))).toBeInstanceOf(RetryableError); // Accelerate query timeout
    expect(classifyDbError(prisma("P6008"))).toBeInstanceOf(RetryableError); // connection / engine start
    expect(classifyDbError(prisma("P1001"))).toBeInstanceOf(RetryableError); // database unreachable
    expect(classifyDbError(prisma("P2024"))).toBeInstanceOf(RetryableError); // pool timeout
    expect(classifyDbError(prisma("P2000"))).toBeInstanceOf(PermanentError); // value too long
  });

  it("uses driver-adapter kinds", () => {
    const adapter = (kind: string) => Object.assign(new Error(kind), { meta: { driverAdapterError: { cause: { kind } } } });
    expect(classifyDbError(adapter("DatabaseNotReachable"))).toMatchObject({ code: "database_unavailable" });
    expect(classifyDbError(adapter("NullConstraintViolation"))).toBeInstanceOf(PermanentError);
  });

  it("treats network and unknown errors as retryable, so nothing is dropped", () => {
    expect(classifyDbError(new TypeError("fetch failed"))).toMatchObject({ code: "network_error" });
    expect(classifyDbError(new Error("???"))).toBeInstanceOf(RetryableError);
    expect(classifyDbError("a string")).toBeInstanceOf(RetryableError);
  });

  it("does not decide by message text", () => {
    const misleading = Object.assign(new Error("violates not-null constraint"), { code: "P6004" });
    expect(classifyDbError(misleading)).toBeInstanceOf(RetryableError);
  });
});
