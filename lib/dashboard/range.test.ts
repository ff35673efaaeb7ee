import { describe, expect, it } from "vitest";
import { rangeQuerySchema } from "./contract";
import { addDays, bucketOf, daysIn, effectiveTimeZone, hoursIn, localDay, resolveOrgRange, resolveRange } from "./range";

const range = (query: Record<string, string>, timeZone: string, now: string) => resolveRange(rangeQuerySchema.parse(query), timeZone, new Date(now));

describe("dashboard ranges", () => {
  it("today in UTC is one day of 24 hours, charted by hour", () => {
    const r = range({ range: "today" }, "UTC", "2026-11-24T08:00:00Z");
    expect(r).toEqual({
      preset: "today",
      from: "2026-11-24",
      to: "2026-11-24",
      timeZone: "UTC",
      startsAt: "2026-11-24T00:00:00.000Z",
      endsAt: "2026-11-25T00:00:00.000Z",
    });
    expect(bucketOf(r)).toBe("hour");
    expect(hoursIn(r)).toHaveLength(24);
    expect(hoursIn(r)[23]).toBe("2026-11-24T23:00:00.000Z");
  });

  it("today is the local day: 03:00 UTC is still yesterday in Los Angeles", () => {
    const r = range({ range: "today" }, "America/Los_Angeles", "2026-11-24T03:00:00Z");
    expect(r.from).toBe("2026-11-23");
    expect(r.startsAt).toBe("2026-11-23T08:00:00.000Z");
    expect(r.endsAt).toBe("2026-11-24T08:00:00.000Z");
  });

  it("Kolkata days start at 18:30 UTC the day before (a half-hour offset)", () => {
    const r = range({ range: "today" }, "Asia/Kolkata", "2026-01-31T20:00:00Z");
    expect(r.from).toBe("2026-02-01");
    expect(r.startsAt).toBe("2026-01-31T18:30:00.000Z");
    expect(r.endsAt).toBe("2026-02-01T18:30:00.000Z");
    expect(hoursIn(r)[0]).toBe("2026-01-31T18:30:00.000Z");
  });

  it("7d is today and the 6 days before; 30d today and the 29 before", () => {
    const week = range({ range: "7d" }, "UTC", "2026-11-24T12:00:00Z");
    expect([week.from, week.to]).toEqual(["2026-11-18", "2026-11-24"]);
    expect(daysIn(week)).toEqual(["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]);
    expect(bucketOf(week)).toBe("day");
    const month = range({ range: "30d" }, "UTC", "2026-11-24T12:00:00Z");
    expect([month.from, month.to]).toEqual(["2026-10-26", "2026-11-24"]);
    expect(daysIn(month)).toHaveLength(30);
  });

  it("30d across a leap day counts Feb 29 (2028) and not a Feb 29 that does not exist (2027)", () => {
    const leap = range({ range: "30d" }, "UTC", "2028-03-10T12:00:00Z");
    expect(leap.from).toBe("2028-02-10");
    expect(daysIn(leap)).toContain("2028-02-29");
    const common = range({ range: "30d" }, "UTC", "2027-03-10T12:00:00Z");
    expect(common.from).toBe("2027-02-09");
    expect(daysIn(common)).not.toContain("2027-02-29");
    expect(daysIn(common)).toHaveLength(30);
  });

  it("this_month is the 1st to today, whatever the month's length", () => {
    expect(range({ range: "this_month" }, "UTC", "2026-01-31T23:59:59Z")).toMatchObject({ from: "2026-01-01", to: "2026-01-31" });
    expect(range({ range: "this_month" }, "UTC", "2026-02-01T00:00:00Z")).toMatchObject({ from: "2026-02-01", to: "2026-02-01" });
  });

  it("last_month is the whole previous month: February of a leap year, December across the year", () => {
    expect(range({ range: "last_month" }, "UTC", "2028-03-31T12:00:00Z")).toMatchObject({ from: "2028-02-01", to: "2028-02-29" });
    expect(range({ range: "last_month" }, "UTC", "2026-03-31T12:00:00Z")).toMatchObject({ from: "2026-02-01", to: "2026-02-28" });
    expect(range({ range: "last_month" }, "UTC", "2027-01-15T12:00:00Z")).toMatchObject({ from: "2026-12-01", to: "2026-12-31" });
    expect(range({ range: "last_month" }, "UTC", "2026-05-31T12:00:00Z")).toMatchObject({ from: "2026-04-01", to: "2026-04-30" });
  });

  it("month boundaries follow the local calendar: 2026-03-01T05:00Z is still February in Los Angeles", () => {
    const r = range({ range: "this_month" }, "America/Los_Angeles", "2026-03-01T05:00:00Z");
    expect(r).toMatchObject({ from: "2026-02-01", to: "2026-02-28", startsAt: "2026-02-01T08:00:00.000Z", endsAt: "2026-03-01T08:00:00.000Z" });
    const last = range({ range: "last_month" }, "America/Los_Angeles", "2026-03-01T09:00:00Z");
    expect(last).toMatchObject({ from: "2026-02-01", to: "2026-02-28" });
  });

  it("the spring-forward day in Los Angeles has 23 hours", () => {
    const r = range({ range: "today" }, "America/Los_Angeles", "2026-03-08T20:00:00Z");
    expect(r.startsAt).toBe("2026-03-08T08:00:00.000Z"); // 00:00 PST
    expect(r.endsAt).toBe("2026-03-09T07:00:00.000Z"); // 00:00 PDT
    const hours = hoursIn(r);
    expect(hours).toHaveLength(23);
    // 01:00 PST is followed by 03:00 PDT, one real hour later.
    expect(hours.slice(1, 3)).toEqual(["2026-03-08T09:00:00.000Z", "2026-03-08T10:00:00.000Z"]);
  });

  it("the fall-back day in Berlin has 25 hours", () => {
    const r = range({ range: "today" }, "Europe/Berlin", "2026-10-25T12:00:00Z");
    expect(r.startsAt).toBe("2026-10-24T22:00:00.000Z");
    expect(r.endsAt).toBe("2026-10-25T23:00:00.000Z");
    expect(hoursIn(r)).toHaveLength(25);
  });

  it("a 7-day range over a DST change spans 7 local days (167 real hours)", () => {
    const r = range({ range: "7d" }, "America/New_York", "2026-03-10T16:00:00Z");
    expect([r.from, r.to]).toEqual(["2026-03-04", "2026-03-10"]);
    expect(r.startsAt).toBe("2026-03-04T05:00:00.000Z");
    expect(r.endsAt).toBe("2026-03-11T04:00:00.000Z");
    expect((Date.parse(r.endsAt) - Date.parse(r.startsAt)) / 3_600_000).toBe(167);
  });

  it("custom ranges are taken as given, inclusive, in the zone", () => {
    const r = range({ range: "custom", from: "2026-02-27", to: "2026-03-02" }, "Asia/Kolkata", "2030-01-01T00:00:00Z");
    expect(r).toEqual({
      preset: "custom",
      from: "2026-02-27",
      to: "2026-03-02",
      timeZone: "Asia/Kolkata",
      startsAt: "2026-02-26T18:30:00.000Z",
      endsAt: "2026-03-02T18:30:00.000Z",
    });
    expect(daysIn(r)).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(bucketOf(r)).toBe("day");
  });

  it("from/to are ignored unless the range is custom", () => {
    expect(range({ range: "7d", from: "2020-01-01", to: "2020-01-02" }, "UTC", "2026-11-24T12:00:00Z")).toMatchObject({ from: "2026-11-18" });
  });

  it("a missing or broken zone falls back to UTC", () => {
    expect(effectiveTimeZone(null)).toBe("UTC");
    expect(effectiveTimeZone("Mars/Olympus_Mons")).toBe("UTC");
    expect(effectiveTimeZone("Asia/Kolkata")).toBe("Asia/Kolkata");
    expect(range({ range: "today" }, "Not/AZone", "2026-11-24T08:00:00Z").timeZone).toBe("UTC");
  });

  it("day arithmetic over month, year and leap-day ends", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-02-28", 1)).toBe("2027-03-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(localDay(new Date("2026-03-09T06:30:00Z"), "America/Los_Angeles")).toBe("2026-03-08");
  });
});

describe("the range query schema (contract)", () => {
  const issue = (query: Record<string, string>) => {
    const parsed = rangeQuerySchema.safeParse(query);
    return parsed.success ? null : parsed.error.issues[0]?.message;
  };
  it("refuses bad ranges with a reason", () => {
    expect(issue({ range: "custom", from: "2026-03-02", to: "2026-03-01" })).toMatch(/before the start/);
    expect(issue({ range: "custom", from: "2025-01-01", to: "2026-02-05" })).toMatch(/at most 400 days/);
    expect(issue({ range: "custom", from: "2026-02-30", to: "2026-03-01" })).toMatch(/not a date/);
    expect(issue({ range: "custom", from: "2026/02/01", to: "2026-03-01" })).toMatch(/Dates look like/);
    expect(issue({ range: "custom" })).toMatch(/needs from and to/);
    expect(issue({ range: "fortnight" })).toMatch(/range must be one of/);
    // 400 days exactly is allowed.
    expect(issue({ range: "custom", from: "2025-01-01", to: "2026-02-04" })).toBeNull();
  });
});

describe("organisation-wide ranges: each user's own days", () => {
  const org = (query: Record<string, string>, zones: (string | null)[], viewer: string, now: string) =>
    resolveOrgRange(rangeQuerySchema.parse(query), zones, viewer, new Date(now));

  it("gives each stored zone the span its own dashboard resolves, grouping zones that agree", () => {
    // 2026-12-02 03:00 UTC: already the 2nd in Auckland and Paris, still the 1st in Los Angeles.
    const now = "2026-12-02T03:00:00Z";
    const { range, spans, otherwise } = org({ range: "7d" }, ["Pacific/Auckland", "America/Los_Angeles", null, "Bad/Zone", "Europe/Paris"], "Europe/Paris", now);
    for (const span of spans) for (const zone of span.timeZones) expect(span.range).toEqual(range7d(zone ?? "UTC", now));
    expect(spans.find((s) => s.timeZones.includes(null))!.timeZones.sort()).toEqual(["Bad/Zone", null].sort()); // both mean UTC
    expect(spans.find((s) => s.timeZones.includes("America/Los_Angeles"))!.range).toMatchObject({ from: "2026-11-25", to: "2026-12-01" });
    expect(range).toMatchObject({
      preset: "7d",
      from: "2026-11-25",
      to: "2026-12-02",
      timeZone: "Europe/Paris",
      startsAt: "2026-11-25T08:00:00.000Z", // Los Angeles' first midnight (its 7 days start a day earlier)
      endsAt: "2026-12-03T00:00:00.000Z", // the UTC users' last midnight (the latest of the zones' ends)
      perUserDays: true,
    });
    expect(otherwise).toEqual(range7d("UTC", now));
  });

  it("keeps zones apart whose spans are the same instants but different days (UTC+14 and UTC-10)", () => {
    const { spans } = org({ range: "today" }, ["Pacific/Kiritimati", "Pacific/Honolulu"], "UTC", "2026-12-01T10:00:00Z");
    expect(spans).toHaveLength(2);
    expect(spans.map((s) => s.range.startsAt)).toEqual(["2026-12-01T10:00:00.000Z", "2026-12-01T10:00:00.000Z"]);
    expect(spans.map((s) => s.range.from).sort()).toEqual(["2026-12-01", "2026-12-02"]);
  });

  it("a custom range is the same days for everyone, at each zone's midnights", () => {
    const { range, spans } = org({ range: "custom", from: "2026-03-01", to: "2026-03-31" }, ["Asia/Kolkata", "UTC"], "UTC", "2026-12-01T10:00:00Z");
    expect(spans.map((s) => [s.range.from, s.range.to])).toEqual([["2026-03-01", "2026-03-31"], ["2026-03-01", "2026-03-31"]]);
    expect(range).toMatchObject({ from: "2026-03-01", to: "2026-03-31", startsAt: "2026-02-28T18:30:00.000Z", endsAt: "2026-04-01T00:00:00.000Z" });
  });

  it("without users, the range is UTC's", () => {
    const { range } = org({ range: "today" }, [], "Europe/Paris", "2026-12-01T10:00:00Z");
    expect(range).toMatchObject({ from: "2026-12-01", startsAt: "2026-12-01T00:00:00.000Z", timeZone: "Europe/Paris", perUserDays: true });
  });
});

function range7d(timeZone: string, now: string) {
  return range({ range: "7d" }, timeZone, now);
}
