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
 * `giveUp`, a task that had to wait is not run once `giveUp.when()` says so, while it waits or when
 * its turn comes: it fails with LockWaitTimeout, and the tasks behind it wait for the one ahead
 * only. A task with nothing ahead always runs: it is what finds the store back. A long queue
 * behind a busy but healthy store waits its turn; only a queue behind a stuck one gives up.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly giveUp?: GiveUp) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const ahead = this.tails.get(key);
    const result = (ahead ? this.turn(key, ahead) : Promise.resolve()).then(task);
    const tail = Promise.allSettled([ahead, result]);
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
    // Asked again when the turn comes: the task ahead marks the store out as it fails, in the same
    // moment it frees the turn, so a task that waited would otherwise start a call bound to wait
    // its whole bound again, past what the request may take.
    const turn = settled.then(() => {
      if (giveUp.when()) throw new LockWaitTimeout(key);
    });
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setInterval(() => giveUp.when() && reject(new LockWaitTimeout(key)), giveUp.everyMs);
    });
    return Promise.race([turn, gaveUp]).finally(() => clearInterval(timer));
  }
}
