import { describe, expect, it } from "vitest";
import { resumedStream } from "./resumed-stream";

async function all<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

function source(chunks: string[], failAfter?: number) {
  let cancelled: unknown = null;
  let i = 0;
  const stream = new ReadableStream<string>({
    pull(controller) {
      if (failAfter !== undefined && i === failAfter) return controller.error(new Error("broke"));
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  return { reader: stream.getReader(), cancelled: () => cancelled };
}

describe("resumedStream", () => {
  it("gives the chunks read ahead, then the rest of the reader", async () => {
    const { reader } = source(["a", "b", "c"]);
    const ahead = [(await reader.read()).value!];
    expect(await all(resumedStream(ahead, reader, { onError: () => undefined }))).toEqual(["a", "b", "c"]);
  });

  it("ends cleanly after onError's last chunk when a read fails", async () => {
    const { reader } = source(["a", "b"], 1);
    const errors: string[] = [];
    const stream = resumedStream([], reader, { onError: (e) => (errors.push((e as Error).message), "error: broke") });
    expect(await all(stream)).toEqual(["a", "error: broke"]);
    expect(errors).toEqual(["broke"]);
  });

  it("cancels the reader and tells onCancel when its reader goes away", async () => {
    const { reader, cancelled } = source(["a", "b", "c"]);
    let told = 0;
    const stream = resumedStream(["x"], reader, { onError: () => undefined, onCancel: () => told++ });
    const client = stream.getReader();
    expect((await client.read()).value).toBe("x");
    await client.cancel("gone");
    expect(told).toBe(1);
    expect(cancelled()).toBe("gone");
  });
});
