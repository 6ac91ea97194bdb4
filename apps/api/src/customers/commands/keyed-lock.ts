/** Thrown to a task that gave up waiting for the one ahead of it. */
export class LockWaitTimeout extends Error {
  constructor(key: string) {
    super(`Gave up waiting for the work ahead on ${key}.`);
  }
}

export interface GiveUp {
  /** Whether a waiting task should stop waiting (the store the task ahead is stuck on is out). */
  readonly when: () => boolean;
  /** How often a waiting task asks. */
  readonly everyMs: number;
}

/**
 * Runs tasks one at a time per key, in arrival order; different keys run concurrently. With
 * `giveUp`, a waiting task is not run once `giveUp.when()` says so: it fails with LockWaitTimeout,
 * and the tasks behind it wait for the one ahead only. A long queue behind a busy but healthy store
 * waits its turn; only a queue behind a stuck one gives up.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly giveUp?: GiveUp) {}

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
    const { giveUp } = this;
    if (!giveUp) return settled;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setInterval(() => giveUp.when() && reject(new LockWaitTimeout(key)), giveUp.everyMs);
    });
    return Promise.race([settled, gaveUp]).finally(() => clearInterval(timer));
  }
}
