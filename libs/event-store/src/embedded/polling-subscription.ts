import { EventEmitter } from 'node:events';
import { RecordedEvent, Subscription } from '../event-store';
import { Position } from '../position';

/**
 * Catches up by reading pages after the last delivered position, then waits for this process's
 * appends or, for writers in other processes, the poll interval.
 */
export class PollingSubscription implements Subscription {
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly readAfter: (after: Position) => Promise<RecordedEvent[]>,
    private readonly appended: EventEmitter,
    private after: Position,
    private readonly pollIntervalMs: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    while (!this.closed) {
      const page = await this.readAfter(this.after);
      for (const event of page) {
        if (this.closed) return;
        yield event;
        this.after = event.position;
      }
      if (page.length === 0) await this.nextSignal();
    }
  }

  private nextSignal(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appended.off('appended', done);
        this.appended.off('closed', onStoreClosed);
        this.wake = null;
        resolve();
      };
      const onStoreClosed = () => {
        this.closed = true;
        done();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.appended.on('appended', done);
      this.appended.on('closed', onStoreClosed);
      this.wake = done;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }
}
