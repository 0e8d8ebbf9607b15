import { afterEach, describe, expect, it, vi } from "vitest";
import { logLevel } from "../../src/shared/config/log-level.ts";
import { log, setLogLevel } from "../../src/shared/lib/log.ts";

describe("log", () => {
  afterEach(() => {
    setLogLevel("info");
    vi.restoreAllMocks();
  });

  it("writes one JSON object per line, errors to stderr", () => {
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    log("info", "rollup.run", { deltas: 3 });
    log("error", "rollup.failed", { error: "boom" });
    expect(JSON.parse(out.mock.calls[0]![0] as string)).toEqual({ level: "info", msg: "rollup.run", deltas: 3 });
    expect(JSON.parse(err.mock.calls[0]![0] as string)).toEqual({ level: "error", msg: "rollup.failed", error: "boom" });
  });

  it("drops lines below the level: debug is off by default and on at LOG_LEVEL=debug", () => {
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    setLogLevel(logLevel({} as never));
    log("debug", "ingest.accepted");
    expect(out).not.toHaveBeenCalled();
    setLogLevel(logLevel({ LOG_LEVEL: "debug" } as never));
    log("debug", "ingest.accepted");
    expect(out).toHaveBeenCalledTimes(1);
    setLogLevel(logLevel({ LOG_LEVEL: "warn" } as never));
    log("info", "consumer.batch");
    expect(out).toHaveBeenCalledTimes(1);
  });

  it("reads a wrong LOG_LEVEL as info rather than failing the request it would log", () => {
    expect(logLevel({ LOG_LEVEL: "loud" } as never)).toBe("info");
  });
});
