import type { ThrottlerStorage } from '@nestjs/throttler';

/** What a storage answers for a hit (the package does not export its name for it). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Fixed windows aligned on the epoch, so every API process puts an instant in the same window
 * whatever its start time, and a window's count needs one number, not a timestamp per hit.
 */
export function windowAt(now: number, ttlMs: number): { start: number; end: number } {
  const start = now - (now % ttlMs);
  return { start, end: start + ttlMs };
}

/** The throttler's view of a window: over the limit, blocked until the window ends (whole seconds, at least 1). */
export function recordOf(hits: number, limit: number, end: number, now: number): ThrottlerStorageRecord {
  const secondsLeft = Math.max(1, Math.ceil((end - now) / 1000));
  const isBlocked = hits > limit;
  return { totalHits: hits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
}
