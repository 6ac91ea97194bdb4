/**
 * A catch-up subscription (`Streams.Read` with `subscription` options) to $all or to one stream.
 *
 * The order of what it sends follows EventStoreDB:
 * 1. `confirmation` (with a subscription id);
 * 2. catch-up: the events that exist when it starts, after the start point — START: all of them;
 *    a $all position or a stream revision: only those *after* it (the start is exclusive); END: none;
 * 3. `caught_up` (sent by 23.10+ nodes, and for streams that do not exist yet by 24.2+ ones);
 * 4. live: each event as it is appended, until the client cancels or the server drops the call.
 * A filtered $all subscription also sends `checkpoint`s: every `interval` events considered
 * (matching or not) during catch-up and live, and once at the end of catch-up (unless it started
 * from END or past the end of the log), each at the position of the last event considered (or the
 * start position if none was), never twice the same.
 * Unfiltered and stream subscriptions send no checkpoints.
 */
import { randomUUID } from 'node:crypto';
import { status as Status, type ServerErrorResponse } from '@grpc/grpc-js';
import type { EventFilter } from './event-filter';
import type { EventLog } from './event-log';
import { invalidPosition, rpcError } from './grpc-errors';
import { comparePositions, type LogPosition } from './position';
import type { RecordedEvent } from './recorded-event';
import { caughtUpResponse, checkpointResponse, confirmationResponse, eventResponse } from './read-responses';
import type { ResponseWriter } from './response-writer';
import type { UuidForm } from './uuid';

export type SubscriptionTarget = { readonly kind: 'all' } | { readonly kind: 'stream'; readonly streamName: string };

export type SubscriptionStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'position'; readonly position: LogPosition }
  | { readonly kind: 'revision'; readonly revision: bigint };

export interface SubscriptionSpec {
  readonly target: SubscriptionTarget;
  readonly start: SubscriptionStart;
  readonly filter: EventFilter;
  /** Events considered between checkpoints; null sends none. */
  readonly checkpointInterval: number | null;
  readonly uuidForm: UuidForm;
  readonly sendCaughtUp: boolean;
}

export class Subscription {
  readonly id = randomUUID();
  private stopped = false;
  private wake: (() => void) | null = null;
  private lastCheckpoint: LogPosition | null = null;

  constructor(
    private readonly writer: ResponseWriter,
    private readonly log: EventLog,
    private readonly spec: SubscriptionSpec,
  ) {}

  /** Ends the subscription with `error` as the call's status. */
  drop(error: ServerErrorResponse): void {
    this.writer.fail(error);
  }

  /** Runs until the call is over; never rejects. */
  async run(): Promise<void> {
    // Decided synchronously, at subscription time: where to start, which events are catch-up
    // (those that exist now) and whether there is anything to catch up with at all.
    const { start, checkpointInterval: interval } = this.spec;
    const events = this.source();
    let cursor = this.startIndex();
    const catchUpEnd = events().length;
    const startsLive = start.kind === 'end' || (start.kind === 'position' && start.position.commit >= this.log.endOffset);

    const stopOnAppend = this.log.onAppend(() => this.wakeUp());
    const stopOnOver = this.writer.onOver(() => {
      this.stopped = true;
      this.wakeUp();
    });
    try {
      if (!(await this.writer.write(confirmationResponse(this.id)))) return;
      if (cursor === null) return this.writer.fail(invalidPosition());

      let lastConsidered = start.kind === 'position' ? start.position : null;
      let considered = 0;
      let live = false;
      const goLive = async () => {
        live = true;
        considered = 0;
        // The closing catch-up checkpoint; a subscription that starts live has none.
        if (interval !== null && lastConsidered && !startsLive) await this.checkpoint(lastConsidered);
        if (this.spec.sendCaughtUp) await this.writer.write(caughtUpResponse());
      };
      if (startsLive) await goLive();

      while (!this.stopped) {
        const available = events();
        if (cursor < available.length) {
          const event = available[cursor++];
          if (this.spec.filter(event) && !(await this.writer.write(eventResponse(event, this.spec.uuidForm)))) return;
          if (interval !== null) {
            lastConsidered = event.position;
            if (++considered >= interval) {
              considered = 0;
              await this.checkpoint(event.position);
            }
          }
          if (!live && cursor >= catchUpEnd) await goLive();
        } else if (!live) {
          await goLive();
        } else {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      }
    } catch (error) {
      this.writer.fail(rpcError(Status.UNKNOWN, error instanceof Error ? error.message : String(error)));
    } finally {
      stopOnAppend();
      stopOnOver();
    }
  }

  private source(): () => readonly RecordedEvent[] {
    const target = this.spec.target;
    return target.kind === 'all' ? () => this.log.all : () => this.log.stream(target.streamName);
  }

  /** Index of the first event to send; null when the start is not a readable $all position. */
  private startIndex(): number | null {
    const { start, target } = this.spec;
    switch (start.kind) {
      case 'start':
        return 0;
      case 'end':
        return target.kind === 'all' ? this.log.all.length : this.log.stream(target.streamName).length;
      case 'revision':
        return Number(start.revision) + 1;
      case 'position':
        return this.log.isReadablePosition(start.position) ? this.log.firstIndexAfter(start.position) : null;
    }
  }

  private async checkpoint(position: LogPosition): Promise<void> {
    if (this.lastCheckpoint && comparePositions(position, this.lastCheckpoint) <= 0) return;
    this.lastCheckpoint = position;
    await this.writer.write(checkpointResponse(position));
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
