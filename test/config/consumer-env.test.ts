import { describe, expect, it } from "vitest";
import { EVENT_LIFECYCLE_LIMITS, eventLifecycleConfig, redeliveryBaseDelaySeconds } from "../../src/consumer/consumer-env.ts";
import { ConfigError } from "../../src/shared/errors/config-error.ts";

describe("eventLifecycleConfig", () => {
  it("keeps events for ever and deduplicates for 90 days by default", () => {
    expect(eventLifecycleConfig({})).toEqual({ retentionDays: null, dedupeWindowDays: 90, partitionsAheadDays: 7 });
  });

  it("reads the three settings", () => {
    expect(eventLifecycleConfig({ EVENT_RETENTION_DAYS: "30", DEDUPE_WINDOW_DAYS: "45", EVENT_PARTITIONS_AHEAD_DAYS: "3" })).toEqual({
      retentionDays: 30,
      dedupeWindowDays: 45,
      partitionsAheadDays: 3,
    });
  });

  it.each([
    [{ EVENT_RETENTION_DAYS: "14" }, "EVENT_RETENTION_DAYS"],
    [{ EVENT_RETENTION_DAYS: "30.5" }, "EVENT_RETENTION_DAYS"],
    [{ DEDUPE_WINDOW_DAYS: "6" }, "DEDUPE_WINDOW_DAYS"],
    [{ EVENT_PARTITIONS_AHEAD_DAYS: "0" }, "EVENT_PARTITIONS_AHEAD_DAYS"],
  ])("refuses %o, naming %s", (env, name) => {
    expect(() => eventLifecycleConfig(env)).toThrow(ConfigError);
    expect(() => eventLifecycleConfig(env)).toThrow(name);
  });

  it("takes retention and the dedupe window independently: a year of events with a week-long window", () => {
    expect(eventLifecycleConfig({ EVENT_RETENTION_DAYS: "400", DEDUPE_WINDOW_DAYS: "7" })).toMatchObject({
      retentionDays: 400,
      dedupeWindowDays: 7,
    });
  });

  it("allows the documented minimums", () => {
    const { minRetentionDays, minDedupeWindowDays } = EVENT_LIFECYCLE_LIMITS;
    expect(
      eventLifecycleConfig({ EVENT_RETENTION_DAYS: String(minRetentionDays), DEDUPE_WINDOW_DAYS: String(minRetentionDays) }).retentionDays,
    ).toBe(minRetentionDays);
    expect(eventLifecycleConfig({ DEDUPE_WINDOW_DAYS: String(minDedupeWindowDays) }).dedupeWindowDays).toBe(minDedupeWindowDays);
  });
});

describe("redeliveryBaseDelaySeconds", () => {
  it("leaves the policy's default when unset, reads 1–300 s, and refuses anything else as a configuration error", () => {
    expect(redeliveryBaseDelaySeconds({})).toBeUndefined();
    expect(redeliveryBaseDelaySeconds({ REDELIVERY_BASE_DELAY_SECONDS: "1" })).toBe(1);
    expect(redeliveryBaseDelaySeconds({ REDELIVERY_BASE_DELAY_SECONDS: "300" })).toBe(300);
    for (const bad of ["0", "301", "1.5", "soon"]) {
      expect(() => redeliveryBaseDelaySeconds({ REDELIVERY_BASE_DELAY_SECONDS: bad })).toThrow(ConfigError);
    }
  });
});
