import { batches } from './batches';

const never = () => new Promise<never>(() => undefined);
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

async function* items<T>(...values: T[]): AsyncGenerator<T> {
  for (const v of values) yield v;
}

/** Every batch, or a marker if none came within `ms` (so a hanging generator fails, not times out). */
async function nextWithin<T>(iterator: AsyncIterator<T>, ms = 500): Promise<IteratorResult<T> | 'nothing yet'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'nothing yet'>((r) => (timer = setTimeout(() => r('nothing yet'), ms)));
  try {
    return await Promise.race([iterator.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function collect<T>(source: AsyncIterable<T[]>, consumerDelayMs = 0): Promise<T[][]> {
  const out: T[][] = [];
  for await (const batch of source) {
    out.push(batch);
    if (consumerDelayMs) await tick(consumerDelayMs);
  }
  return out;
}

describe('batches', () => {
  it('groups what is available into batches of at most maxSize, in order', async () => {
    const result = await collect(batches(items(1, 2, 3, 4, 5, 6, 7), 3));

    expect(result).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7],
    ]);
  });

  it('while the consumer is busy, what accumulates comes in batches of at most maxSize, in order, none empty', async () => {
    const values = Array.from({ length: 50 }, (_, i) => i);

    const result = await collect(batches(items(...values), 4), 5);

    expect(result.flat()).toEqual(values);
    for (const batch of result) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(4);
    }
    expect(result.some((b) => b.length === 4)).toBe(true);
  });

  it('ends when the source ends', async () => {
    expect(await collect(batches(items(), 10))).toEqual([]);
    expect((await collect(batches(items('a', 'b'), 10))).flat()).toEqual(['a', 'b']);
  });

  it('ends when the source ends while the consumer waits for more', async () => {
    let end: () => void = () => undefined;
    async function* endsLater() {
      yield 'a';
      await new Promise<void>((r) => (end = r));
    }
    const iterator = batches(endsLater(), 10)[Symbol.asyncIterator]();

    expect(await nextWithin(iterator)).toEqual({ value: ['a'], done: false });
    const pending = nextWithin(iterator);
    await tick();
    end();

    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('delivers what is buffered without waiting for items that have not arrived', async () => {
    async function* threeThenSilence() {
      yield 1;
      yield 2;
      yield 3;
      await never();
    }
    const iterator = batches(threeThenSilence(), 10)[Symbol.asyncIterator]();

    const received: number[] = [];
    for (let n = 0; n < 3 && received.length < 3; n++) {
      const next = await nextWithin(iterator);
      if (next === 'nothing yet' || next.done) break;
      received.push(...next.value);
    }

    expect(received).toEqual([1, 2, 3]);
  });

  it('puts everything already delivered into the first batch (a source that yields 3 items and then waits)', async () => {
    async function* threeThenSilence() {
      yield 1;
      yield 2;
      yield 3;
      await never();
    }
    const iterator = batches(threeThenSilence(), 10)[Symbol.asyncIterator]();

    const first = await nextWithin(iterator);

    expect(first).toEqual({ value: [1, 2, 3], done: false });
  });

  it('rethrows a source error after yielding what came before it', async () => {
    const failure = new Error('subscription dropped');
    async function* failing() {
      yield 1;
      yield 2;
      throw failure;
    }
    const seen: number[] = [];

    const outcome = (async () => {
      for await (const batch of batches(failing(), 10)) seen.push(...batch);
    })();

    await expect(outcome).rejects.toBe(failure);
    expect(seen).toEqual([1, 2]);
  });

  it('rethrows a source error that comes while the consumer waits for more', async () => {
    const failure = new Error('connection reset');
    let fail: () => void = () => undefined;
    async function* failsLater() {
      yield 'a';
      await new Promise<void>((r) => (fail = r));
      throw failure;
    }
    const iterator = batches(failsLater(), 10)[Symbol.asyncIterator]();

    expect(await nextWithin(iterator)).toEqual({ value: ['a'], done: false });
    const pending = iterator.next();
    await tick();
    fail();

    await expect(pending).rejects.toBe(failure);
  });

  it('holds back reading far ahead of a consumer that does not ask (back-pressure)', async () => {
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced++;
        yield produced;
      }
    }
    const iterator = batches(endless(), 5)[Symbol.asyncIterator]();

    expect(await nextWithin(iterator)).toMatchObject({ done: false });
    await tick(20);

    expect(produced).toBeLessThanOrEqual(5 * 3);
    await iterator.return?.(undefined);
  });
});
