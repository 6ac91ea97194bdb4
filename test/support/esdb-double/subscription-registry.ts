/** The live subscriptions of one double, so a test can drop them all (to exercise resubscription). */
import type { ServerErrorResponse } from '@grpc/grpc-js';
import type { Subscription } from './subscription';

export class SubscriptionRegistry {
  private readonly active = new Set<Subscription>();
  private readonly waiters = new Set<() => void>();

  /** Runs `subscription` while it is registered. */
  async track(subscription: Subscription): Promise<void> {
    this.active.add(subscription);
    this.notify();
    try {
      await subscription.run();
    } finally {
      this.active.delete(subscription);
      this.notify();
    }
  }

  get size(): number {
    return this.active.size;
  }

  /** Ends every live subscription with `error`; returns how many there were. */
  dropAll(error: ServerErrorResponse): number {
    const dropped = [...this.active];
    for (const subscription of dropped) subscription.drop(error);
    return dropped.length;
  }

  /** Resolves once `predicate(size)` holds; rejects after `timeoutMs`. */
  until(predicate: (size: number) => boolean, timeoutMs: number): Promise<void> {
    if (predicate(this.size)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.size)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`EventStoreDB double: subscription count still ${this.size} after ${timeoutMs} ms.`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
