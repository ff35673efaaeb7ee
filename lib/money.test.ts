import { describe, expect, it } from "vitest";
import { formatUsd, formatUsdExact, nanoToUsdString, parseUsdToNano } from "./money";

describe("parseUsdToNano", () => {
  it.each([
    ["20", 20_000_000_000],
    ["$20.50", 20_500_000_000],
    ["0.000000001", 1],
    ["0.1", 100_000_000],
    [" 1000000 ", 1_000_000_000_000_000],
  ])("%s → %d nano-USD", (input, expected) => {
    expect(parseUsdToNano(input)).toBe(expected);
  });

  it.each(["", "-5", "1e3", "abc", "1.0000000001", "1,000", "9999999999999"])("refuses %j", (input) => {
    expect(parseUsdToNano(input)).toBeNull();
  });

  it("round-trips through the form string", () => {
    for (const nano of [0, 1, 150_000_000, 20_000_000_000, 20_500_000_000]) {
      expect(parseUsdToNano(nanoToUsdString(nano))).toBe(nano);
    }
  });
});

describe("formatUsd", () => {
  it.each([
    [0, "$0.00"],
    [12_400_000_000, "$12.40"],
    [3_100_000, "$0.0031"],
    [1_200_000_000_000, "$1.2k"],
    [123_456_000_000_000, "$123.5k"],
    [2_500_000_000_000_000, "$2.5M"],
    [999_990_000_000, "$999.99"],
    [20_000_000_000, "$20.00"],
  ])("%d nano-USD → %s", (nano, expected) => {
    expect(formatUsd(nano)).toBe(expected);
  });
});

describe("formatUsdExact", () => {
  it.each([
    [0, "$0.00"],
    [20_000_000_000, "$20.00"],
    [26_574_000, "$0.026574"],
    [30_000_000, "$0.03"],
    [3_426_000, "$0.003426"],
    [1, "$0.000000001"],
    [1_234_500_000_000, "$1,234.50"],
    [1_234_560_000_001, "$1,234.560000001"],
    [-15_000_000, "-$0.015"],
  ])("%d nano-USD → %s", (nano, expected) => {
    expect(formatUsdExact(nano)).toBe(expected);
  });
});
