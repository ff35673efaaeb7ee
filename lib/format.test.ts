import { describe, expect, it } from "vitest";
import {
  addDays,
  formatCompactNumber,
  formatDate,
  formatDateTime,
  formatDay,
  formatDayLong,
  formatDayRange,
  formatDuration,
  formatHour,
  formatNumber,
  formatPercent,
  formatRelativeTime,
  isoDateInZone,
  totalTokens,
} from "./format";


describe("formatNumber", () => {
  it.each([
    [0, "0"],
    [999, "999"],
    [1234, "1,234"],
    [1_234_567, "1,234,567"],
  ])("%d → %s", (n, expected) => {
    expect(formatNumber(n)).toBe(expected);
  });
});

describe("formatCompactNumber", () => {
  it.each([
    [950, "950"],
    [1234, "1.2K"],
    [3_400_000, "3.4M"],
  ])("%d → %s", (n, expected) => {
    expect(formatCompactNumber(n)).toBe(expected);
  });
});

describe("totalTokens", () => {
  it("counts every bucket once; reasoning is already part of output", () => {
    expect(totalTokens({ inputTokens: 800, cacheReadTokens: 200, cacheWriteTokens: 100, outputTokens: 500, reasoningTokens: 50 })).toBe(1600);
  });
});

describe("formatPercent", () => {
  it.each([
    [0, "0%"],
    [0.004, "<1%"],
    [0.823, "82%"],
    [1, "100%"],
    [1.5, "150%"],
    [Number.NaN, "—"],
  ])("%d → %s", (ratio, expected) => {
    expect(formatPercent(ratio)).toBe(expected);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [820, "820 ms"],
    [1430, "1.4 s"],
    [2000, "2 s"],
    [12_400, "12 s"],
    [65_000, "1 min 5 s"],
    [120_000, "2 min"],
  ])("%d ms → %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe("calendar days", () => {
  it("formats a day without shifting it into another time zone", () => {
    expect(formatDay("2026-11-24")).toBe("Nov 24");
    expect(formatDay("2026-01-01")).toBe("Jan 1");
    expect(formatDayLong("2026-11-24")).toBe("Tue, Nov 24, 2026");
  });

  it("formats inclusive ranges compactly", () => {
    expect(formatDayRange("2026-11-24", "2026-11-24")).toBe("Nov 24, 2026");
    expect(formatDayRange("2026-11-01", "2026-11-24")).toBe("Nov 1 – 24, 2026");
    expect(formatDayRange("2025-12-28", "2026-01-03")).toBe("Dec 28, 2025 – Jan 3, 2026");
  });

  it("adds days across month and year ends", () => {
    expect(addDays("2026-11-24", 1)).toBe("2026-11-25");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-11-24", -399)).toBe("2025-10-21");
  });
});

describe("instants in the user's time zone", () => {
  const instant = "2026-11-24T23:30:00Z";

  it("shows the same instant as different local times and days", () => {
    expect(formatDateTime(instant, "UTC")).toBe("Nov 24, 2026, 11:30 PM");
    expect(formatDateTime(instant, "Europe/Berlin")).toBe("Nov 25, 2026, 12:30 AM");
    expect(formatDateTime(instant, "America/Los_Angeles")).toBe("Nov 24, 2026, 3:30 PM");
    expect(formatHour(instant, "Asia/Tokyo")).toBe("8 AM");
    expect(formatDate("2026-11-30T23:00:00Z", "Europe/Berlin")).toBe("Dec 1, 2026");
  });

  it("gives the local calendar day of an instant", () => {
    expect(isoDateInZone(new Date(instant), "UTC")).toBe("2026-11-24");
    expect(isoDateInZone(new Date(instant), "Europe/Berlin")).toBe("2026-11-25");
    expect(isoDateInZone(new Date(instant), "Pacific/Honolulu")).toBe("2026-11-24");
  });

  it("falls back to the browser's zone for an unknown time zone instead of throwing", () => {
    expect(() => formatDateTime(instant, "Mars/Olympus_Mons")).not.toThrow();
  });
});

describe("formatRelativeTime", () => {
  const now = new Date("2026-11-24T12:00:00Z");
  it.each([
    ["2026-11-24T11:59:50Z", "just now"],
    ["2026-11-24T11:55:00Z", "5 min. ago"],
    ["2026-11-24T09:00:00Z", "3 hr. ago"],
    ["2026-11-23T12:00:00Z", "yesterday"],
    ["2026-11-12T12:00:00Z", "12 days ago"],
    ["2026-09-01T12:00:00Z", "Sep 1, 2026"],
  ])("%s → %s", (iso, expected) => {
    expect(formatRelativeTime(iso, now, "UTC")).toBe(expected);
  });
});
