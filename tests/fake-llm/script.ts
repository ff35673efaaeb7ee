/**
 * What the fake upstream answers, decided by directives in the last user message, so a test can ask for exactly
 * the behaviour it needs:
 *   [[reply:Some text]]            answer with this text (default: a sentence quoting the prompt)
 *   [[status:429]]                 answer with this HTTP error status in the provider's error format
 *   [[delay:50]]                   wait this many ms before each streamed chunk
 *   [[cut-after:3]]                stream 3 text chunks, then drop the connection (no usage, no [DONE])
 *   [[usage:prompt=1000,completion=500,cached=200,reasoning=50]]  report these token counts
 */
export interface Script {
  reply: string;
  status?: number;
  delayMs: number;
  cutAfter?: number;
  usage?: Partial<Record<"prompt" | "completion" | "cached" | "reasoning" | "cacheWrite", number>>;
}

const DIRECTIVE = /\[\[(\w[\w-]*):([^\]]*)\]\]/g;

export function parseScript(prompt: string): Script {
  const script: Script = { reply: "", delayMs: 0 };
  let reply: string | undefined;
  for (const [, name, value] of prompt.matchAll(DIRECTIVE)) {
    const v = value!.trim();
    if (name === "reply") reply = v;
    else if (name === "status") script.status = Number(v);
    else if (name === "delay") script.delayMs = Number(v);
    else if (name === "cut-after") script.cutAfter = Number(v);
    else if (name === "usage") {
      script.usage = {};
      for (const pair of v.split(",")) {
        const [key, num] = pair.split("=").map((s) => s.trim());
        if (key && num && /^\d+$/.test(num)) script.usage[key as keyof NonNullable<Script["usage"]>] = Number(num);
      }
    }
  }
  const plain = prompt.replace(DIRECTIVE, "").trim();
  script.reply = reply ?? `This is the fake upstream answering: ${plain.slice(0, 80) || "(empty prompt)"}.`;
  return script;
}

/** Splits a reply into streamed pieces: one word (with its following space) per chunk. */
export function chunkText(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** A deterministic token count: about four characters per token, at least one for non-empty text. */
export function fakeTokenCount(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}
