import "server-only";
import { AppError } from "@/lib/errors";
import { upstreamSend, type UpstreamAnswer } from "@/lib/providers/upstream-fetch";
import { runInBackground } from "@/lib/usage/background";
import type { MeteredCall, Step, StepOutcome } from "@/lib/usage/metered-call";
import { scrubbed } from "./errors";


/**
 * Answers go to the client as the provider sent them: `no-transform` keeps the server's gzip (Next.js's `compress`)
 * off them, which cost a gateway call about a millisecond and a sixth of its throughput for answers of a few hundred
 * bytes. The official SDKs accept either.
 */
export const AS_SENT = { "cache-control": "no-transform" } as const;

/**
 * One metered upstream request of the gateway: sends it (aborted with the client), and when it fails before answering
 * — unreachable, or an error status — records the step as such and hands the provider's error on with its status
 * (the key taken out). Otherwise the caller reads the answer (`answered`) or relays its stream.
 */

export type Forwarded =
  | { kind: "answer"; upstream: UpstreamAnswer & { body: NonNullable<UpstreamAnswer["body"]> }; contentType: string }
  | { kind: "refused"; response: Response };

/** Records a gateway call once its steps have ended, in the background: the client has its answer already. */
export function recordInBackground(call: MeteredCall): void {
  runInBackground(`gateway ${call.requestId}`, () => call.record({ background: true }));
}

function finish(call: MeteredCall, step: Step, outcome: StepOutcome, settle?: () => void): void {
  call.endStep(call.recordOf(step, outcome));
  if (settle) settle();
  else recordInBackground(call);
}

export async function forward(options: {
  call: MeteredCall;
  step: Step;
  /**
   * The client's: the upstream request is aborted with it. (Whoever reads the answer stops the provider by cancelling
   * its body, which closes the connection.)
   */
  signal: AbortSignal;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  apiKey: string | undefined;
  /** Runs once a failed step's record is made; by default the call is recorded in the background. */
  settle?: () => void;
}): Promise<Forwarded> {
  const { call, step, signal } = options;
  call.beginStep();
  let upstream: UpstreamAnswer;
  try {
    upstream = await upstreamSend(options.url, { method: "POST", headers: options.headers, body: JSON.stringify(options.body), signal });
  } catch (error) {
    const aborted = signal.aborted;
    finish(call, step, { status: aborted ? "aborted" : "error", partialText: "", ttftMs: aborted ? 0 : null, error, stopReason: aborted ? "client" : null }, options.settle);
    if (aborted) throw error;
    throw new AppError("upstream_failed", "The provider could not be reached. Try again shortly.");
  }
  const contentType = upstream.headers.get("content-type") ?? "application/json";
  if (!upstream.ok || !upstream.body) {
    const text = scrubbed(await upstream.text(), options.apiKey);
    finish(call, step, { status: "error", partialText: "", ttftMs: null, error: Object.assign(new Error(text.slice(0, 300)), { statusCode: upstream.status }) }, options.settle);
    return { kind: "refused", response: new Response(text, { status: upstream.status, headers: { "content-type": contentType, ...AS_SENT } }) };
  }
  return { kind: "answer", upstream: upstream as Extract<Forwarded, { kind: "answer" }>["upstream"], contentType };
}

/**
 * A whole (not streamed) answer: passed on as the bytes came, then its usage read by `usageOf` and the step recorded,
 * once the answer is on its way (pricing it and queueing its write would otherwise hold the answer back; the record
 * keeps the time it ended).
 */
export async function answered(call: MeteredCall, step: Step, forwarded: Extract<Forwarded, { kind: "answer" }>, usageOf: (json: unknown) => Partial<StepOutcome>): Promise<Response> {
  const text = await forwarded.upstream.text();
  const finishedAt = Date.now();
  runInBackground(`gateway ${call.requestId}`, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    let outcome: Partial<StepOutcome> = {};
    try {
      outcome = usageOf(JSON.parse(text));
    } catch {
      // Not JSON: recorded from the estimate.
    }
    call.endStep(call.recordOf(step, Object.assign({ status: "ok" as const, partialText: "", ttftMs: null, finishedAt }, outcome)));
    await call.record({ background: true });
  });
  return new Response(text, { status: forwarded.upstream.status, headers: { "content-type": forwarded.contentType, ...AS_SENT } });
}
