import type { Clock } from '@app/platform';

/**
 * The real time plus an offset a test moves by hand, so nothing sleeps to let time pass; given a
 * start, it stands still there except when moved (for assertions to the millisecond).
 */
export class MovableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly stoppedAt?: number) {}

  now(): Date {
    return new Date((this.stoppedAt ?? Date.now()) + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
