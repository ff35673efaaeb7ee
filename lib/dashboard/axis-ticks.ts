/**
 * Money axis ticks for the dashboards' charts: given the largest amount to show (nano-USD), nice round tick values
 * from $0 up to at least that amount, and labels precise enough that no two of them read the same ("$0.001, $0.001"
 * cannot happen). Pure integer arithmetic: ticks are whole nano-USD, multiples of one step of 1, 2, 2.5 or 5 × 10^k,
 * and every label shows that step exactly, so the labels are exact decimals of the ticks — strictly increasing.
 *
 *   moneyAxis(0)                → $0, $1 (an empty chart still has a scale)
 *   moneyAxis(3_100_000)        → $0, $0.001, $0.002, $0.003, $0.004
 *   moneyAxis(12_400_000_000)   → $0, $5, $10, $15
 *   moneyAxis(1_000_000e9)      → $0, $0.25M, $0.50M, $0.75M, $1.00M
 */

export interface MoneyAxis {
  /** Tick values in nano-USD, from 0, strictly increasing; the last is ≥ the max given. */
  ticks: number[];
  /** The label of each tick, in the same order (unique). */
  labels: string[];
  /** Formats any tick of this axis (an untabled value gets the same precision). */
  format: (nano: number) => string;
  /** Pixels the labels need at the chart's 11 px font (the Y axis width), so none is cut. */
  width: number;
}

const NANO_PER_USD = 1_000_000_000n;
const UNITS = [
  { nano: NANO_PER_USD * 1_000_000n, suffix: "M" },
  { nano: NANO_PER_USD * 1_000n, suffix: "k" },
  { nano: NANO_PER_USD, suffix: "" },
] as const;
const STEP_MULTIPLIERS = [10n, 20n, 25n, 50n, 100n] as const; // tenths: 1, 2, 2.5, 5, 10
/** At most this many intervals (so at most 6 ticks with $0). */
const DEFAULT_INTERVALS = 4;
/** An average glyph of the 11 px axis font (digits are ~6.1 px; "$", "M", "." differ a little) and the tick gap. */
const CHAR_PX = 6.6;
const PAD_PX = 10;

/** The smallest nice step (a whole number of nano-USD) that covers `max` in at most `intervals` steps. */
export function niceStep(max: bigint, intervals = DEFAULT_INTERVALS): bigint {
  if (max <= 0n) return NANO_PER_USD;
  let power = 1n;
  for (;;) {
    for (const m of STEP_MULTIPLIERS) {
      const scaled = m * power;
      if (scaled % 10n !== 0n) continue; // 2.5 nano is not a whole amount
      const step = scaled / 10n;
      if (step * BigInt(intervals) >= max) return step;
    }
    power *= 10n;
  }
}

/** `nano / unit` as an exact decimal with `decimals` places (the caller knows it is exact or wants it cut). */
function decimalOf(nano: bigint, unit: bigint, decimals: number): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const whole = abs / unit;
  const digits = unit.toString().length - 1;
  const fraction = (abs % unit).toString().padStart(digits, "0").slice(0, decimals);
  const body = decimals > 0 ? `${whole.toLocaleString("en-US")}.${fraction}` : whole.toLocaleString("en-US");
  return `${negative ? "-" : ""}${body}`;
}

/** Decimal places that show `step / unit` exactly. */
function decimalsFor(step: bigint, unit: bigint): number {
  const digits = unit.toString().length - 1;
  const fraction = (step % unit).toString().padStart(digits, "0").replace(/0+$/, "");
  return fraction.length;
}

/** Label width in pixels for the 11 px axis font. */
export function labelWidth(labels: readonly string[]): number {
  const longest = labels.reduce((n, label) => Math.max(n, label.length), 0);
  return Math.ceil(longest * CHAR_PX) + PAD_PX;
}

/** Ticks, labels and axis width for amounts from 0 to `maxNano` (nano-USD; negative or fractional input is clamped). */
export function moneyAxis(maxNano: number, intervals = DEFAULT_INTERVALS): MoneyAxis {
  const max = BigInt(Math.max(0, Math.ceil(Number.isFinite(maxNano) ? maxNano : 0)));
  const step = niceStep(max, intervals);
  const ticksBig: bigint[] = [0n];
  while (ticksBig[ticksBig.length - 1]! < max || ticksBig.length < 2) ticksBig.push(ticksBig[ticksBig.length - 1]! + step);
  const top = ticksBig[ticksBig.length - 1]!;
  const unit = UNITS.find((u) => top >= u.nano) ?? UNITS[2];
  const decimals = decimalsFor(step, unit.nano);
  const format = (nano: number): string => {
    if (nano === 0) return "$0";
    const value = BigInt(Math.round(nano));
    const text = decimalOf(value, unit.nano, decimals);
    return text.startsWith("-") ? `-$${text.slice(1)}${unit.suffix}` : `$${text}${unit.suffix}`;
  };
  const ticks = ticksBig.map(Number);
  const labels = ticks.map(format);
  return { ticks, labels, format, width: labelWidth(labels) };
}
