import { describe, expect, it } from "vitest";
import { firstCompleteDay, nextDropDay } from "../../src/shared/events/retention.ts";

const at = (iso: string) => new Date(iso);

describe("firstCompleteDay", () => {
  it("is null while nothing has expired", () => {
    expect(firstCompleteDay(null)).toBeNull();
  });

  it("is the day after the first kept receipt day: an event occurs at most a day after its receipt", () => {
    // Receipts before 2026-03-01 are gone; an event received on 2026-02-28 may have occurred on 2026-03-01.
    expect(firstCompleteDay(at("2026-03-01T00:00:00Z"))).toEqual(at("2026-03-02T00:00:00Z"));
  });

  it("rounds a bound inside a day up to the next day first", () => {
    expect(firstCompleteDay(at("2026-03-01T06:00:00Z"))).toEqual(at("2026-03-03T00:00:00Z"));
  });
});

describe("nextDropDay", () => {
  it("is null without retention or without a partition", () => {
    expect(nextDropDay(at("2026-03-01T00:00:00Z"), null)).toBeNull();
    expect(nextDropDay(null, 30)).toBeNull();
  });

  it("is the day the oldest kept day has been out of retention for a whole day", () => {
    // Retention 30: the cron of 2026-03-31 keeps 2026-03-01 (not older than 30 days), the cron of 2026-04-01 drops it.
    expect(nextDropDay(at("2026-03-01T00:00:00Z"), 30)).toEqual(at("2026-04-01T00:00:00Z"));
    expect(nextDropDay(at("2026-03-01T17:30:00Z"), 30)).toEqual(at("2026-04-01T00:00:00Z"));
  });
});
