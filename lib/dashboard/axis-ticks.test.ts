import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseUsdToNano } from "@/lib/money";
import { labelWidth, moneyAxis, niceStep } from "./axis-ticks";

const USD = 1_000_000_000;

/** A label back to nano-USD ("$0.25M" → 250,000 USD), to check it says exactly its tick. */
function labelToNano(label: string): number {
  const match = /^\$([\d,]+(?:\.\d+)?)([kM]?)$/.exec(label);
  if (!match) throw new Error(`not a money label: ${label}`);
  const [whole, fraction = ""] = match[1]!.replace(/,/g, "").split(".");
  const scale = match[2] === "M" ? 6 : match[2] === "k" ? 3 : 0;
  // Move the decimal point right by `scale` places, then parse exactly as dollars.
  const digits = `${whole}${fraction.padEnd(scale, "0")}`;
  const shifted = `${digits.slice(0, whole!.length + scale)}.${digits.slice(whole!.length + scale) || "0"}`;
  const nano = parseUsdToNano(shifted.replace(/^0+(?=\d)/, ""));
  if (nano === null) throw new Error(`unparseable label: ${label}`);
  return nano;
}

describe("moneyAxis", () => {
  it("reads like a price list for everyday ranges", () => {
    expect(moneyAxis(3_100_000).labels).toEqual(["$0", "$0.001", "$0.002", "$0.003", "$0.004"]);
    expect(moneyAxis(12.4 * USD).labels).toEqual(["$0", "$5", "$10", "$15"]);
    expect(moneyAxis(0.9 * USD).labels).toEqual(["$0", "$0.25", "$0.50", "$0.75", "$1.00"]);
    expect(moneyAxis(1_000_000 * USD).labels).toEqual(["$0", "$0.25M", "$0.50M", "$0.75M", "$1.00M"]);
    expect(moneyAxis(2_600 * USD).labels).toEqual(["$0", "$1k", "$2k", "$3k"]);
  });

  it("never repeats a label where a plain rounding would: every label has the step's precision", () => {
    // $0.0012 max: rounding to 3 places gave "$0.001" twice before.
    const axis = moneyAxis(1_200_000);
    expect(axis.labels).toEqual(["$0", "$0.0005", "$0.0010", "$0.0015"]);
    expect(new Set(axis.labels).size).toBe(axis.labels.length);
  });

  it("has a scale for an empty chart and for one nano-dollar", () => {
    expect(moneyAxis(0).ticks).toEqual([0, USD]);
    expect(moneyAxis(0).labels).toEqual(["$0", "$1"]);
    expect(moneyAxis(1).labels).toEqual(["$0", "$0.000000001"]);
    expect(moneyAxis(-5).ticks).toEqual([0, USD]);
  });

  it("steps are whole nano-dollars of 1, 2, 2.5 or 5 × 10^k", () => {
    expect(niceStep(3n)).toBe(1n);
    expect(niceStep(5n)).toBe(2n);
    expect(niceStep(9n)).toBe(5n); // 2.5 nano is not a whole amount
    expect(niceStep(90n)).toBe(25n);
    expect(niceStep(401n)).toBe(200n);
  });

  it("sizes the axis for its longest label", () => {
    const axis = moneyAxis(1_200_000);
    expect(axis.width).toBe(labelWidth(["$0.0015"]));
    expect(moneyAxis(12.4 * USD).width).toBeLessThan(axis.width);
  });

  it("labels strictly increase, are unique and say their tick exactly, from 1 nano-USD to $1M", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 * USD }), (max) => {
        const { ticks, labels } = moneyAxis(max);
        expect(ticks[0]).toBe(0);
        expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        expect(ticks.length).toBeLessThanOrEqual(6);
        expect(new Set(labels).size).toBe(labels.length);
        const values = labels.map(labelToNano);
        expect(values).toEqual(ticks);
        for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
      }),
      { numRuns: 2000 },
    );
  });

  it("also across every power of ten (the boundaries where a unit or a precision changes)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.constantFrom(-1, 0, 1), (power, nudge) => {
        const max = Math.max(1, 10 ** power + nudge);
        const { labels, ticks } = moneyAxis(max);
        expect(new Set(labels).size).toBe(labels.length);
        expect(labels.map(labelToNano)).toEqual(ticks);
      }),
    );
  });
});
