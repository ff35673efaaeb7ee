import { describe, expect, it } from "vitest";
import type { BudgetLedgerRow } from "@/db/schema";
import { outputCostCeil, outputThatFits, planReservation, type CallEstimate } from "@/lib/budgets/ledger";
import type { BudgetLimit } from "@/lib/budgets/limits";

/** The ledger arithmetic on its own (no database): what a call may reserve against locked rows. */

const row = (values: Partial<BudgetLedgerRow> = {}): BudgetLedgerRow => ({
  userId: "00000000-0000-4000-8000-000000000001",
  periodKind: "month",
  periodStart: new Date("2026-12-01T00:00:00Z"),
  periodEnd: new Date("2027-01-01T00:00:00Z"),
  spentNano: 0,
  reservedNano: 0,
  tokensUsed: 0,
  tokensReserved: 0,
  updatedAt: new Date("2026-12-01T00:00:00Z"),
  ...values,
});

const limit = (kind: BudgetLimit["kind"], value: number, source: BudgetLimit["source"] = "user"): BudgetLimit => ({
  kind,
  source,
  limit: value,
  mode: "enforce",
  thresholds: [50, 80, 100],
  name: `${kind} ${source}`,
  period: kind === "daily_cost" ? "day" : "month",
});

// gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
const estimate = (values: Partial<CallEstimate> = {}): CallEstimate => ({
  inputTokens: 1_000,
  inputCostNano: 150_000,
  outputNanoPerMTok: 600_000_000,
  maxOutputTokens: 4_096,
  ...values,
});

describe("ledger arithmetic", () => {
  it("rounds the output's most cost up and finds the largest output that fits, exactly", () => {
    expect(outputCostCeil(1, 600_000_000)).toBe(600);
    expect(outputCostCeil(3, 333_333)).toBe(1); // 0.999999 nano → 1
    expect(outputCostCeil(0, 600_000_000)).toBe(0);
    // 1,000,000 nano left after the input buys 1,666 output tokens at $0.60/M (1,666 × 600 = 999,600).
    expect(outputThatFits(1_150_000, 150_000, 600_000_000)).toBe(1_666);
    expect(outputThatFits(100_000, 150_000, 600_000_000)).toBe(-1);
    expect(outputThatFits(150_000, 150_000, 600_000_000)).toBe(0);
    expect(outputThatFits(1, 0, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("holds input + the clamped output's cost, never more than the tightest limit leaves", () => {
    const rows = { month: row({ spentNano: 9_000_000, reservedNano: 500_000 }), day: row({ periodKind: "day", spentNano: 200_000 }) };
    const plan = planReservation([limit("monthly_cost", 10_000_000), limit("daily_cost", 2_000_000)], rows, estimate());
    // Monthly leaves 500,000 → 350,000 after the input → 583 output tokens; daily leaves more.
    expect(plan).toEqual({ ok: true, maxOutputTokens: 583, amountNano: 150_000 + outputCostCeil(583, 600_000_000), tokens: 1_583 });
    if (plan.ok) expect(plan.amountNano).toBeLessThanOrEqual(10_000_000 - 9_000_000 - 500_000);
  });

  it("keeps the asked cap when every limit has room, and counts tokens against a token limit", () => {
    expect(planReservation([limit("monthly_cost", 1_000_000_000)], { month: row(), day: row() }, estimate())).toMatchObject({ ok: true, maxOutputTokens: 4_096 });
    const tokens = planReservation([limit("monthly_tokens", 3_000)], { month: row({ tokensUsed: 1_500, tokensReserved: 200 }), day: row() }, estimate());
    expect(tokens).toMatchObject({ ok: true, maxOutputTokens: 300, tokens: 1_300 });
  });

  it("refuses when the input and the least output do not fit, naming the limit", () => {
    const rows = { month: row({ spentNano: 9_999_000 }), day: row() };
    const refused = planReservation([limit("monthly_cost", 10_000_000), limit("monthly_cost", 5_000_000, "admin")], rows, estimate());
    expect(refused).toMatchObject({ ok: false, limit: { source: "user", kind: "monthly_cost" } });
    // A thinking model's least answer: room for 583 tokens is not enough for a floor of 1,025.
    const thinking = planReservation([limit("monthly_cost", 10_000_000)], { month: row({ spentNano: 9_500_000 }), day: row() }, estimate({ minOutputTokens: 1_025 }));
    expect(thinking).toMatchObject({ ok: false });
  });

  it("lets an unpriced model through cost limits (nothing held) but not through token limits", () => {
    const unpriced = estimate({ inputCostNano: null, outputNanoPerMTok: null });
    expect(planReservation([limit("monthly_cost", 1)], { month: row({ spentNano: 5 }), day: row() }, unpriced)).toEqual({ ok: true, maxOutputTokens: 4_096, amountNano: 0, tokens: 5_096 });
    expect(planReservation([limit("monthly_tokens", 1_000)], { month: row(), day: row() }, unpriced)).toMatchObject({ ok: false });
  });
});
