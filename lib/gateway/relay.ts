import "server-only";
import { runInBackground } from "@/lib/usage/background";
import type { MeteredCall, Step, StepOutcome } from "@/lib/usage/metered-call";
import { ProviderStreamBroke } from "@/lib/usage/stream-errors";
import { estimateTokens } from "@/lib/usage/tokens";

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
   * Whether a run of whole events is plain: nothing in it but events `see` would defer (no usage, error or end).
   * Such a read is passed on without being split into events; its text is read only when needed (as `textOf`'s).
   */
  plain?(events: string): boolean;
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

export function relayEvents(options: {
  upstream: Response;
  call: MeteredCall;
  step: Step;
  observer: StreamObserver;
  /** Aborts the upstream request (the client left, or the cap was passed). */
  abortUpstream: () => void;
  /** The client's request: when it is aborted the provider's stream ends with an abort error, which is a hang-up. */
  clientSignal: AbortSignal;
  headers: HeadersInit;
  rewrite?: EventRewrite;
  /** Runs once the step's record is made; by default the call is recorded in the background. */
  settle?: () => void;
}): Response {
  const { upstream, call, step, observer, rewrite } = options;
  const reader = upstream.body!.getReader();
  const decoder = new TextDecoder();
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

  // Events whose text is read only when needed: the first (time to first token), near the cap, and at the end when
  // the provider reported no usage (the text is then the output's estimate). Their data's bytes bound their text's.
  let deferred: string[] = [];
  // Whole reads passed on unsplit (observer.plain): their events' text, when needed, as deferred events'.
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
    else runInBackground(`gateway ${call.requestId}`, () => call.record());
    return rewrite ? rewrite.end(status, extra) : "";
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
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
          const read = decoder.decode(value, { stream: true });
          // After the first text, a read of whole plain events with room under the cap is passed on unsplit.
          if (
            startsClean &&
            !rewrite &&
            observer.plain &&
            ttftMs !== null &&
            read.endsWith("\n\n") &&
            (cap === undefined || counted.tokens + (textBytes - counted.bytes) + value.byteLength <= cap) &&
            observer.plain(read)
          ) {
            plainReads.push(read);
            textBytes += value.byteLength;
            controller.enqueue(value);
            return;
          }
          buffer += read;
          let out = "";
          for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
            const separator = buffer.slice(end).match(/^\r?\n\r?\n/)![0];
            const raw = buffer.slice(0, end + separator.length);
            buffer = buffer.slice(end + separator.length);
            const { data, event } = fieldsOf(raw);
            const seen = data ? observer.see(data, event) : {};
            if (seen.error) streamError = seen.error;
            if (seen.done) completed = true;
            if (seen.deferred) {
              if (ttftMs === null) seen.text = observer.textOf!(data);
              else {
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
                const closing = finish("aborted", { stopReason: "budget", outputCap: cap });
                if (rewrite) out += closing;
                else if (observer.closing) out += observer.closing;
                if (out) controller.enqueue(encoder.encode(out));
                options.abortUpstream();
                await reader.cancel("budget").catch(() => undefined);
                controller.close();
                return;
              }
            }
            if (seen.drop) dropped = true;
            else out += rewrite ? rewrite.event(data, seen) : raw;
          }
          if (out) {
            controller.enqueue(startsClean && !dropped && !rewrite && buffer === "" ? value : encoder.encode(out));
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
      // The client hung up: stop the provider and keep what it reported so far.
      finish("aborted", { stopReason: "client" });
      options.abortUpstream();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
  return new Response(stream, { status: upstream.status, headers: options.headers });
}
