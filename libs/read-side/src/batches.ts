/**
 * Groups what a source has already delivered into arrays of at most `maxSize`, so a projection can
 * write many events in one durable commit without waiting for events that have not arrived.
 */
export async function* batches<T>(source: AsyncIterable<T>, maxSize: number): AsyncGenerator<T[]> {
  const buffer: T[] = [];
  const state = { finished: false, failure: undefined as unknown };
  // Closures set these; a holder keeps TypeScript from narrowing them to null.
  const waiting: { consumer: (() => void) | null; producer: (() => void) | null } = { consumer: null, producer: null };
  const release = (who: 'consumer' | 'producer') => {
    waiting[who]?.();
    waiting[who] = null;
  };

  const pump = (async () => {
    try {
      for await (const item of source) {
        buffer.push(item);
        release('consumer');
        // Back-pressure: stop reading ahead while two batches are already waiting.
        if (buffer.length >= maxSize * 2) await new Promise<void>((r) => (waiting.producer = r));
      }
    } catch (error) {
      state.failure = error;
    } finally {
      state.finished = true;
      release('consumer');
    }
  })();

  try {
    while (buffer.length > 0 || !state.finished) {
      if (buffer.length === 0) {
        await new Promise<void>((r) => (waiting.consumer = r));
        continue;
      }
      // One macrotask turn lets the source hand over everything it already has, so a batch holds
      // all ready events rather than just the one that woke us.
      if (buffer.length < maxSize && !state.finished) await new Promise((r) => setImmediate(r));
      const batch = buffer.splice(0, maxSize);
      release('producer');
      yield batch;
    }
    if (state.failure) throw state.failure;
  } finally {
    release('producer');
    void pump;
  }
}
