import "server-only";
import type { UpstreamAnswer } from "@/lib/providers/upstream-fetch";
import type { MeteredCall, Step, StepOutcome } from "@/lib/usage/metered-call";
import { ProviderStreamBroke } from "@/lib/usage/stream-errors";
import { estimateTokens } from "@/lib/usage/tokens";
import { recordInBackground } from "./forward";

/**
 * Passes a provider's server-sent events to the client as they come, event by event and byte for byte, while a
 * protocol observer reads each event's usage and text. When the stream ends — finished, cut off, broken, or the client
 * hung up — the step's one record is made and the call recorded in the background. A provider that runs past the
 * output the reservation covers is cut off there (`stopReason: "budget"`), so a budget holds whatever it does.
 */

export interface SeenEvent {
  /** Leave this event out (e.g. a usage chunk the client did not ask for). */
  drop?: boolean;
  /** Generated text in this event (counts toward the output and the time to first token). */
  text?: string;
  /** The provider said the answer is complete. */
  done?: boolean;
  /** The provider reported an error inside the stream. */
  error?: string;
  /** The event may hold text the observer did not read: `textOf(data)` reads it when the relay needs it. */
  deferred?: boolean;
}

export interface StreamObserver {
  see(data: string, event: string | undefined): SeenEvent;
  /** The usage seen so far, as the step's outcome wants it. */
  outcome(): Pick<StepOutcome, "usage" | "wireUsage" | "partial" | "providerMetadata">;
  /** The bytes that end a stream the gateway cut off (e.g. `data: [DONE]`), if the protocol has some. */
  closing?: string;
  /** The text of an event `see` deferred. */
  textOf?(data: string): string;
  /**
   * Whether an event `see` deferred holds text (for the time to the first token), told without reading it; without
   * this, the first events' text is read.
   */
  hasText?(data: string): boolean;
  /**
   * Where, at or after `from`, the first thing is that may make an event other than plain (-1: nowhere). A plain event
   * is one `see` would defer: no usage, error or end. A run of whole plain events is passed on without being split
   * into events; its text is read only when needed (as `textOf`'s).
   */
  notableAt?(events: string, from: number): number;
}

/**
 * Writes a relayed stream in another protocol (the chat's UI message stream): each kept event's bytes are replaced
 * by `event`'s, and `end` closes the stream once the step's record is made.
 */
export interface EventRewrite {
  event(data: string, seen: SeenEvent): string;
  /** The closing bytes, given how the step ended (as recorded). A client that hung up reads nothing more. */
  end(status: StepOutcome["status"], how: Partial<StepOutcome>): string;
}

const encoder = new TextEncoder();

/**
 * The text of each read, with a character cut at a read's end kept for the next (TextDecoder's stream mode, at a
 * fraction of its cost; invalid bytes become U+FFFD alike, and a byte-order mark at the start is dropped).
 */
function utf8Reads(): { decode(value: Uint8Array): string; rest(): string } {
  let carry: Buffer | null = null;
  let first = true;
  return {
    decode(value) {
      let bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (carry) {
        bytes = Buffer.concat([carry, bytes]);
        carry = null;
      }
      const whole = completeLength(bytes);
      if (whole < bytes.length) carry = Buffer.from(bytes.subarray(whole));
      let text = bytes.toString("utf8", 0, whole);
      if (first && text) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      return text;
    },
    rest: () => (carry ? carry.toString("utf8") : ""),
  };
}

/** The bytes of `bytes` up to the start of a last character that is not all there yet. */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + size > n ? i : n;
  }
  return n;
}

/**
 * Where the last event separator (a blank line) before `limit` ends, at or after `from`; -1 if there is none. Blank
 * lines ended by CRLF are looked for only in a stream that has shown one (`crlf`): else a separator found may not be
 * the last, which only makes a shorter run.
 */
function lastSeparatorEnd(text: string, from: number, limit: number, crlf: boolean): number {
  const lf = text.lastIndexOf("\n\n", limit - 2);
  const cr = crlf ? text.lastIndexOf("\n\r\n", limit - 3) : -1;
  const end = Math.max(lf < 0 ? -1 : lf + 2, cr < 0 ? -1 : cr + 3);
  return end > from ? end : -1;
}

const SEPARATOR = /\r?\n\r?\n/g;

/** `data:` and `event:` of one SSE event (data lines joined). */
function fieldsOf(raw: string): { data: string; event?: string } {
  let data = "";
  let event: string | undefined;
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
    else if (line.startsWith("event:")) event = line.slice(line[6] === " " ? 7 : 6).trim();
  }
  return { data, event };
}

/** The bytes of `value` in the ranges `kept` lists (start, end, start, end, …). */
function bytesIn(value: Uint8Array, kept: number[]): Uint8Array {
  if (kept.length === 2) return value.subarray(kept[0], kept[1]);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < kept.length; i += 2) parts.push(value.subarray(kept[i], kept[i + 1]));
  return Buffer.concat(parts);
}

export function relayEvents(options: {
  upstream: Pick<UpstreamAnswer, "status"> & { body: NonNullable<UpstreamAnswer["body"]> };
  call: MeteredCall;
  step: Step;
  observer: StreamObserver;
  /** The client's request: when it is aborted the provider's stream ends with an abort error, which is a hang-up. */
  clientSignal: AbortSignal;
  headers: HeadersInit;
  rewrite?: EventRewrite;
  /** Runs once the step's record is made; by default the call is recorded in the background. */
  settle?: () => void;
}): Response {
  const { upstream, call, step, observer, rewrite } = options;
  const reader = upstream.body;
  const utf8 = utf8Reads();
  const cap = step.reservation?.maxOutputTokens;
  let buffer = "";
  let text = "";
  // UTF-8 bytes of the text (and of deferred events' data): with the tokens last counted, a bound on the text's tokens
  // (a token is at least a byte), so the text is tokenized only when the bound passes the cap — a few dozen times for
  // the longest answer, rather than at every event once the bytes alone passed it.
  let textBytes = 0;
  let counted = { tokens: 0, bytes: 0 };
  let ttftMs: number | null = null;
  let completed = false;
  let streamError: string | undefined;
  let ended = false;
  // Whether the stream has shown a blank line ended by CRLF (most providers end lines with LF only).
  let crlf = false;

  // Events whose text is read only when needed: the first (time to first token), near the cap, and at the end when
  // the provider reported no usage (the text is then the output's estimate). Their data's bytes bound their text's.
  let deferred: string[] = [];
  // Runs of whole plain events passed on unsplit (observer.notableAt): their text, when needed, as deferred events'.
  let plainReads: string[] = [];
  const readDeferred = () => {
    for (const data of deferred) text += observer.textOf!(data);
    deferred = [];
    for (const events of plainReads) {
      for (const raw of events.split(/\r?\n\r?\n/)) {
        const { data } = fieldsOf(raw);
        if (data) text += observer.textOf!(data);
      }
    }
    plainReads = [];
  };
  const finish = (status: StepOutcome["status"], extra: Partial<StepOutcome> = {}) => {
    if (ended) return "";
    ended = true;
    const outcome = observer.outcome();
    if (!outcome.usage) readDeferred();
    call.endStep(call.recordOf(step, Object.assign({}, outcome, { status, partialText: text, ttftMs }, extra)));
    if (options.settle) options.settle();
    else recordInBackground(call);
    return rewrite ? rewrite.end(status, extra) : "";
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const value = await reader.read();
          if (value === null) {
            buffer += utf8.rest();
            if (buffer.trim() && !rewrite) controller.enqueue(encoder.encode(buffer));
            let closing: string;
            if (streamError) closing = finish("error", { error: new Error(streamError) });
            else if (completed || observer.outcome().usage) closing = finish("ok");
            else closing = finish("error", { error: new Error("The provider ended the stream without finishing.") });
            if (closing) controller.enqueue(encoder.encode(closing));
            controller.close();
            return;
          }
          // A read that holds whole events only, none left out, goes to the client as the very bytes that came.
          const startsClean = buffer === "";
          let dropped = false;
          const read = utf8.decode(value);
          const fits = (bytes: number) => cap === undefined || counted.tokens + (textBytes - counted.bytes) + bytes <= cap;
          // After the first text, a read of whole plain events with room under the cap is passed on unsplit.
          if (startsClean && !rewrite && observer.notableAt && ttftMs !== null && read.endsWith("\n\n") && fits(value.byteLength) && observer.notableAt(read, 0) < 0) {
            plainReads.push(read);
            textBytes += value.byteLength;
            controller.enqueue(value);
            return;
          }
          buffer += read;
          // A clean read whose every character is one byte (ASCII): its kept events are ranges of its bytes.
          const bytewise = startsClean && read.length === value.byteLength;
          const kept: number[] = [];
          const keep = (from: number, to: number) => {
            if (kept.length > 0 && kept[kept.length - 1] === from) kept[kept.length - 1] = to;
            else kept.push(from, to);
          };
          let out = "";
          let at = 0;
          let runs = !rewrite && observer.notableAt !== undefined;
          for (;;) {
            if (runs && ttftMs !== null) {
              // After the first text, the run of whole plain events ahead is taken in one piece.
              const notable = observer.notableAt!(buffer, at);
              const end = lastSeparatorEnd(buffer, at, notable < 0 ? buffer.length : notable, crlf);
              if (end > 0) {
                const run = buffer.slice(at, end);
                const runBytes = bytewise ? run.length : Buffer.byteLength(run);
                if (fits(runBytes)) {
                  plainReads.push(run);
                  textBytes += runBytes;
                  out += run;
                  keep(at, end);
                  at = end;
                } else runs = false; // near the cap: event by event from here on
              }
            }
            SEPARATOR.lastIndex = at;
            const separator = SEPARATOR.exec(buffer);
            if (!separator) break;
            const eventStart = at;
            at = separator.index + separator[0].length;
            if (separator[0].length > 2) crlf = true;
            const raw = buffer.slice(eventStart, at);
            const { data, event } = fieldsOf(raw);
            const seen = data ? observer.see(data, event) : {};
            if (seen.error) streamError = seen.error;
            if (seen.done) completed = true;
            if (seen.deferred) {
              if (ttftMs === null && !observer.hasText) seen.text = observer.textOf!(data);
              else {
                if (ttftMs === null && observer.hasText!(data)) ttftMs = Date.now() - step.startedAt;
                deferred.push(data);
                textBytes += Buffer.byteLength(data);
              }
            }
            if (seen.text) {
              if (ttftMs === null) ttftMs = Date.now() - step.startedAt;
              text += seen.text;
              textBytes += Buffer.byteLength(seen.text);
            }
            if (cap !== undefined && counted.tokens + (textBytes - counted.bytes) > cap) {
              readDeferred();
              counted = { tokens: estimateTokens(text), bytes: textBytes };
              if (counted.tokens > cap) {
                // Past what the reservation covers: end here, as if the cap was reached.
                buffer = "";
                const closing = finish("aborted", { stopReason: "budget", outputCap: cap });
                if (rewrite) out += closing;
                else if (observer.closing) out += observer.closing;
                if (out) controller.enqueue(encoder.encode(out));
                // Cancelling the provider's body closes its connection: the provider stops.
                reader.cancel("budget");
                controller.close();
                return;
              }
            }
            if (seen.drop) dropped = true;
            else {
              out += rewrite ? rewrite.event(data, seen) : raw;
              keep(eventStart, at);
            }
          }
          buffer = at === buffer.length ? "" : buffer.slice(at);
          if (out) {
            if (!rewrite && startsClean && !dropped && buffer === "") controller.enqueue(value);
            else if (!rewrite && bytewise) controller.enqueue(bytesIn(value, kept));
            else controller.enqueue(encoder.encode(out));
            return;
          }
        }
      } catch (error) {
        if (options.clientSignal.aborted) {
          finish("aborted", { stopReason: "client" });
          controller.error(error);
          return;
        }
        // After content (or the input's usage) came, a broken stream says how much it had streamed, as chat's does.
        readDeferred();
        // (named by the fetch's own words, "terminated", not its socket's code, as the AI SDK's streams name it)
        const broke = ttftMs === null && !observer.outcome().partial ? error : new ProviderStreamBroke(estimateTokens(text), (error as Error)?.message || error);
        const closing = finish("error", { error: broke });
        // A rewritten stream says what broke in its own protocol and ends cleanly.
        if (!rewrite) return controller.error(error);
        if (closing) controller.enqueue(encoder.encode(closing));
        controller.close();
      }
    },
    async cancel(reason) {
      // The client hung up: stop the provider (cancelling its body closes its connection) and keep what it reported.
      finish("aborted", { stopReason: "client" });
      reader.cancel(reason);
    },
  });
  return new Response(stream, { status: upstream.status, headers: options.headers });
}
