import { describe, expect, it } from "vitest";
import { currentPeriod, isValidTimeZone } from "./periods";

describe("budget periods", () => {
  it("calendar month in UTC", () => {
    const p = currentPeriod("month", "UTC", new Date("2026-11-24T08:00:00Z"));
    expect(p.start.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("calendar month in New York, where the month starts at 04:00/05:00 UTC", () => {
    // 2026-11-01 00:00 EDT is 04:00 UTC; 2026-12-01 00:00 EST is 05:00 UTC (DST ended on Nov 1)
    const p = currentPeriod("month", "America/New_York", new Date("2026-11-15T12:00:00Z"));
    expect(p.start.toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-01T05:00:00.000Z");
  });

  it("an instant just before midnight UTC is still the previous month in Tokyo's next day", () => {
    // 2026-11-30T23:30Z is 2026-12-01 08:30 in Tokyo: December there
    const p = currentPeriod("month", "Asia/Tokyo", new Date("2026-11-30T23:30:00Z"));
    expect(p.start.toISOString()).toBe("2026-11-30T15:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-31T15:00:00.000Z");
  });

  it("December rolls into January", () => {
    const p = currentPeriod("month", "Europe/Berlin", new Date("2026-12-31T22:59:00Z"));
    expect(p.start.toISOString()).toBe("2026-11-30T23:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-31T23:00:00.000Z");
    const next = currentPeriod("month", "Europe/Berlin", new Date("2026-12-31T23:00:00Z"));
    expect(next.start.toISOString()).toBe("2026-12-31T23:00:00.000Z");
  });

  it("a day is 23 hours on the spring DST change", () => {
    // Berlin moves clocks forward on 2026-03-29
    const p = currentPeriod("day", "Europe/Berlin", new Date("2026-03-29T12:00:00Z"));
    expect(p.start.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-03-29T22:00:00.000Z");
  });

  it("knows real time zones", () => {
    expect(isValidTimeZone("Europe/Paris")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
  });
});
