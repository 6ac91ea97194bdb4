/** Thrown to a task that waited longer than it may for the one ahead of it. */
export class LockWaitTimeout extends Error {
  constructor(key: string, ms: number) {
    super(`Waited ${ms} ms for the work ahead on ${key}.`);
  }
}

/**
 * Runs tasks one at a time per key, in arrival order; different keys run concurrently. A task that
 * would wait longer than `maxWaitMs` (the one ahead is stuck on a store, say) is not run: it fails
 * with LockWaitTimeout, and the tasks behind it wait for the one ahead only.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly maxWaitMs = Number.POSITIVE_INFINITY) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = this.turn(key, previous).then(task);
    const tail = Promise.allSettled([previous, result]);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  private turn(key: string, previous: Promise<unknown>): Promise<void> {
    const settled = previous.then(
      () => undefined,
      () => undefined,
    );
    if (!Number.isFinite(this.maxWaitMs)) return settled;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LockWaitTimeout(key, this.maxWaitMs)), this.maxWaitMs);
    });
    return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
  }
}
