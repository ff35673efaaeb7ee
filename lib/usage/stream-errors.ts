/** A provider's stream broke after it had started answering (a dropped connection, a reset, a timeout). */
export class ProviderStreamBroke extends Error {
  override name = "ProviderStreamBroke";
  /** Output tokens received before the break (estimated). */
  readonly tokens: number;
  /** What the connection said, short: "terminated", "ECONNRESET"… */
  readonly reason: string;

  constructor(tokens: number, cause: unknown) {
    const inner = (cause as { cause?: { code?: unknown; message?: unknown } })?.cause;
    const reason = String(
      (typeof inner?.code === "string" && inner.code) || (typeof inner?.message === "string" && inner.message) || (cause as Error)?.message || cause || "connection lost",
    ).slice(0, 120);
    super(`stream broke after ${tokens.toLocaleString("en-US")} tokens: ${reason}`, { cause });
    this.tokens = tokens;
    this.reason = reason;
  }

  static isInstance(error: unknown): error is ProviderStreamBroke {
    return error instanceof ProviderStreamBroke || (error as { name?: string })?.name === "ProviderStreamBroke";
  }
}
