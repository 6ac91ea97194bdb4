import type { Clock } from '@app/platform';

/** The real time plus an offset a test moves by hand, so nothing sleeps to let time pass. */
export class MovableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
