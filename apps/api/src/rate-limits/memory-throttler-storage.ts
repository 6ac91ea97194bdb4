import type { Clock } from '@app/platform';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { recordOf, ThrottlerStorageRecord, windowAt } from './fixed-window';

/**
 * Counts in this process (the embedded default is one process). Not the throttler's own storage:
 * it keeps a timestamp per hit and filters them all on every request, which at the per-partner
 * default (thousands a second) costs more than the request; a fixed window is one number.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, { start: number; end: number; hits: number }>();
  private sweptAt = 0;

  constructor(private readonly clock: Clock) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.clock.now().getTime();
    let window = this.windows.get(key);
    if (window?.start !== windowAt(now, ttl).start) {
      this.forgetEnded(now, ttl);
      window = { ...windowAt(now, ttl), hits: 0 };
      this.windows.set(key, window);
    }
    window.hits += 1;
    return recordOf(window.hits, limit, window.end, now);
  }

  /** Keys seen once (a scan from many addresses) would otherwise stay for good; at most once a window. */
  private forgetEnded(now: number, ttl: number): void {
    if (now - this.sweptAt < ttl) return;
    this.sweptAt = now;
    for (const [key, window] of this.windows) if (window.end <= now) this.windows.delete(key);
  }
}
