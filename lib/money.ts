/**
 * Money is integer nano-USD (1 USD = 1e9) everywhere; these helpers convert at the edges only.
 */
export const NANO_PER_USD = 1_000_000_000;

/** "20" | "20.5" | "0.000001" → nano-USD, exactly (no floating point). Returns null for anything else. */
export function parseUsdToNano(input: string): number | null {
  const match = /^\s*\$?\s*(\d{1,12})(?:\.(\d{1,9}))?\s*$/.exec(input);
  if (!match) return null;
  const whole = BigInt(match[1]!) * BigInt(NANO_PER_USD);
  const fraction = BigInt((match[2] ?? "").padEnd(9, "0"));
  const total = whole + fraction;
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(total);
}

/** nano-USD → a plain decimal string without trailing zeros, for form fields ("20", "0.5"). */
export function nanoToUsdString(nano: number): string {
  const sign = nano < 0 ? "-" : "";
  const abs = BigInt(Math.abs(nano));
  const whole = abs / BigInt(NANO_PER_USD);
  const fraction = (abs % BigInt(NANO_PER_USD)).toString().padStart(9, "0").replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * For people: $12.40, $0.0031, $1.2k. Amounts under a cent keep two significant digits so they never read as $0.00.
 */
export function formatUsd(nano: number): string {
  const usd = nano / NANO_PER_USD;
  const abs = Math.abs(usd);
  if (nano === 0) return "$0.00";
  const sign = usd < 0 ? "-" : "";
  if (abs >= 1_000_000) return `${sign}$${(abs / 1_000_000).toFixed(1)}M`;
  if (abs >= 1_000) return `${sign}$${(abs / 1_000).toFixed(1)}k`;
  if (abs >= 0.01) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${abs.toPrecision(2).replace(/0+$/, "")}`;
}

/**
 * Exact, for messages where a rounded figure would mislead (budget refusals): every digit down to the nano-dollar,
 * at least cents, trailing zeros trimmed — $0.026574, $20.00, $1,234.5. Never rounds a non-zero amount to $0.00.
 */
export function formatUsdExact(nano: number): string {
  const [whole, fraction = ""] = nanoToUsdString(Math.abs(nano)).split(".");
  const sign = nano < 0 ? "-" : "";
  return `${sign}$${BigInt(whole!).toLocaleString("en-US")}.${fraction.padEnd(2, "0")}`;
}

/** A per-million-token price for a price list: "$0.15", "$3", "$0.075". */
export function formatPerMTok(nanoPerMTok: number): string {
  return `$${nanoToUsdString(nanoPerMTok)}`;
}
