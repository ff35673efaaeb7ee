import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { groupHistory, historyGroupOf } from "./history-groups";

// Every instant below is written in UTC; the zone under test is passed explicitly, so the machine's TZ does not matter.
const at = (iso: string) => new Date(iso);

describe("historyGroupOf", () => {
  it("splits at local midnight, not 24 hours back", () => {
    // 00:00:30 on 2026-06-11 in Berlin (UTC+2) is 22:00:30 UTC on the 10th.
    const now = at("2026-06-10T22:00:30Z");
    expect(historyGroupOf(at("2026-06-10T22:00:05Z"), now, "Europe/Berlin")).toBe("today"); // 00:00:05 local
    expect(historyGroupOf(at("2026-06-10T21:59:50Z"), now, "Europe/Berlin")).toBe("yesterday"); // 23:59:50 the day before
    // The same two instants in UTC are both on the 10th, which is "today" there.
    expect(historyGroupOf(at("2026-06-10T21:59:50Z"), now, "UTC")).toBe("today");
  });

  it("the same instant is today in one zone and yesterday in another", () => {
    const now = at("2026-06-11T03:00:00Z");
    const item = at("2026-06-10T23:00:00Z");
    expect(historyGroupOf(item, now, "UTC")).toBe("yesterday");
    expect(historyGroupOf(item, now, "America/New_York")).toBe("today"); // 19:00 and 23:00 on the 10th
    expect(historyGroupOf(item, now, "Asia/Tokyo")).toBe("today"); // 08:00 and 12:00 on the 11th
  });

  it("counts calendar days across the spring-forward change (a 23-hour day)", () => {
    // New York moved clocks forward on 2026-03-08 at 02:00. Now: 2026-03-09 00:30 local (04:30 UTC).
    const now = at("2026-03-09T04:30:00Z");
    const tz = "America/New_York";
    expect(historyGroupOf(at("2026-03-09T04:10:00Z"), now, tz)).toBe("today"); // 00:10 on the 9th
    expect(historyGroupOf(at("2026-03-08T05:10:00Z"), now, tz)).toBe("yesterday"); // 00:10 on the 8th (EST), 23h20 earlier
    expect(historyGroupOf(at("2026-03-08T04:50:00Z"), now, tz)).toBe("previous7"); // 23:50 on the 7th
  });

  it("counts calendar days across the fall-back change (a 25-hour day)", () => {
    // New York moved clocks back on 2026-11-01 at 02:00. Now: 2026-11-02 23:30 local (EST, 2026-11-03 04:30 UTC).
    const now = at("2026-11-03T04:30:00Z");
    const tz = "America/New_York";
    expect(historyGroupOf(at("2026-11-02T05:05:00Z"), now, tz)).toBe("today"); // 00:05 on the 2nd
    expect(historyGroupOf(at("2026-11-01T04:05:00Z"), now, tz)).toBe("yesterday"); // 00:05 EDT on the 1st, 48h25 earlier
    expect(historyGroupOf(at("2026-11-01T03:55:00Z"), now, tz)).toBe("previous7"); // 23:55 on Oct 31
  });

  it("previous 7 days ends 7 calendar days back; the day before is older; the future is today", () => {
    const now = at("2026-06-15T12:00:00Z");
    expect(historyGroupOf(at("2026-06-13T00:00:00Z"), now, "UTC")).toBe("previous7");
    expect(historyGroupOf(at("2026-06-08T00:00:00Z"), now, "UTC")).toBe("previous7");
    expect(historyGroupOf(at("2026-06-07T23:59:59Z"), now, "UTC")).toBe("older");
    expect(historyGroupOf(at("2025-01-01T00:00:00Z"), now, "UTC")).toBe("older");
    expect(historyGroupOf(at("2026-06-15T12:05:00Z"), now, "UTC")).toBe("today");
  });

  it("crosses a year boundary", () => {
    const now = at("2027-01-01T00:10:00Z");
    expect(historyGroupOf(at("2026-12-31T23:50:00Z"), now, "UTC")).toBe("yesterday");
    expect(historyGroupOf(at("2026-12-25T12:00:00Z"), now, "UTC")).toBe("previous7");
  });
});

describe("groupHistory with a frozen clock", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    // 00:00:20 on 2026-03-30 in Berlin, the first midnight after its spring-forward change (2026-03-29).
    vi.setSystemTime(at("2026-03-29T22:00:20Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("puts items under headings in heading order, keeping their order, leaving empty headings out", () => {
    const items = [
      { id: "a", updatedAt: "2026-03-29T22:00:10Z" }, // 00:00:10 on the 30th: today
      { id: "b", updatedAt: "2026-03-29T21:59:59Z" }, // 23:59:59 on the 29th: yesterday
      { id: "c", updatedAt: "2026-03-28T22:30:00Z" }, // 23:30 CET on the 28th: previous 7 days
      { id: "d", updatedAt: "2026-03-01T10:00:00Z" },
      { id: "e", updatedAt: "2026-02-01T10:00:00Z" },
    ];
    const groups = groupHistory(items, "Europe/Berlin");
    expect(groups.map((g) => [g.label, g.items.map((i) => i.id)])).toEqual([
      ["Today", ["a"]],
      ["Yesterday", ["b"]],
      ["Previous 7 days", ["c"]],
      ["Older", ["d", "e"]],
    ]);
    expect(groupHistory(items.slice(3), "Europe/Berlin").map((g) => g.label)).toEqual(["Older"]);
    expect(groupHistory([], "Europe/Berlin")).toEqual([]);
  });

  it("at the same frozen instant it is still the 29th in UTC but already the 30th in Berlin", () => {
    const items = [{ id: "b", updatedAt: "2026-03-29T21:59:59Z" }];
    expect(groupHistory(items, "UTC")[0]!.label).toBe("Today");
    expect(groupHistory(items, "Europe/Berlin")[0]!.label).toBe("Yesterday");
  });
});
