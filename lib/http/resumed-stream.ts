/**
 * A stream of the chunks a route read ahead (to see how an answer starts before it answers), then the rest of the
 * same reader. A read that fails ends the stream cleanly, after the last chunk `onError` gives (the protocol's own
 * error chunk), never as a broken response.
 */
export function resumedStream<T>(
  readAhead: readonly T[],
  reader: ReadableStreamDefaultReader<T>,
  hooks: { onError: (error: unknown) => T | undefined; onCancel?: () => void },
): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const chunk of readAhead) controller.enqueue(chunk);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        const last = hooks.onError(error);
        if (last !== undefined) controller.enqueue(last);
        controller.close();
      }
    },
    async cancel(reason) {
      hooks.onCancel?.();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}
