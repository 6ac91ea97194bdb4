import { customerStream } from '@app/domain';
import { EventReader, Position, positionKey, RecordedEvent } from '@app/event-store/core';
import { Clock, failed, Metrics, SpanKind, startSpan, storedTraceContext, traced } from '@app/platform/core';
import { batches } from './batches';
import { ParkedEvent, parkingError } from './parked-events';
import { decodeForProjections, DecodedEvent, PROJECTED_STREAMS, UndecodableEvent } from './projected-event';
import { StaleGeneration } from './view-generations';
import { DocumentKey, ViewWriter } from './view-writer';
import { ProjectedEvent, Projection, ViewDocument } from './views';

const BATCH_SIZE = 500;

export class LeaseLost extends Error {
  constructor(projection: string) {
    super(`The lease of ${projection} could not be renewed; not committing.`);
  }
}

export interface RunnerHooks {
  /** Asked before each commit; false aborts the commit and the run (the lease was lost). */
  mayCommit?(): Promise<boolean>;
  onCommitted?(checkpoint: Position, events: number): void;
  /** A failure; `retryInMs` is how long the runner waits before it starts again. */
  onError?(error: unknown, retryInMs: number): void;
  /** A rebuild made another generation active while this runner wrote to the old one: expected, not an error. */
  onGenerationSwitch?(from: number, to: number): void;
  /** Events the projection could not apply, set aside in the commit just made. */
  onParked?(parked: readonly ParkedEvent[]): void;
}

export interface ProjectionRunnerOptions<V extends ViewDocument> {
  readonly projection: Projection<V>;
  readonly events: EventReader;
  readonly views: ViewWriter;
  readonly hooks?: RunnerHooks;
  /** The first wait before starting again after a failure (500 ms unless given); it doubles per failure in a row. */
  readonly retryMs?: number;
  /** The longest wait between attempts (15 s unless given). */
  readonly maxRetryMs?: number;
  /** A fixed generation (a rebuild or shadow); otherwise whichever is active when a run starts. */
  readonly generation?: number;
  /** Where view loads and commits are timed; untimed without. */
  readonly metrics?: Metrics;
  /**
   * For a generation this runner fills from nothing (a rebuild from zero): the keys of every
   * document it has written. Nobody else writes there, so a key not in it has no document and
   * needs no lookup; most keys of a rebuild are new.
   */
  readonly written?: Set<string>;
  /** When an event is parked; without one, a parking is stamped with the event's own time. */
  readonly clock?: Clock;
}

/**
 * Feeds one projection from the store's subscription: each batch of events is folded into its
 * documents and committed with the new checkpoint, awaited before the next batch. After a failure
 * it starts again from the last durable checkpoint.
 */
export class ProjectionRunner<V extends ViewDocument> {
  private stopped = false;
  private subscription: { close(): Promise<void> } | null = null;
  private running: Promise<void> | null = null;

  /** The generation this runner writes to now (the active one is resolved at each start). */
  private generation: number | undefined;

  constructor(private readonly options: ProjectionRunnerOptions<V>) {
    this.generation = options.generation;
  }

  private get hooks(): RunnerHooks {
    return this.options.hooks ?? {};
  }

  /**
   * Starts the runner; if it is waiting to retry after a failure, it retries now. The lease loop
   * calls this whenever a renewal succeeds: the view store answers again, so the wait is cut short.
   */
  start(): void {
    this.wakeUp?.();
    this.stopped = false;
    this.running ??= this.loop().finally(() => (this.running = null));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.subscription?.close();
    await this.running;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.follow();
      } catch (error) {
        if (this.stopped) return;
        const writingTo = this.generation;
        if (error instanceof StaleGeneration || (await this.switchedAway(writingTo))) {
          // A rebuild made another generation active (its old tables may be gone already, so the
          // error can be the store's "no such table"): go on there, from its checkpoint. A fixed
          // generation that is gone (a finished or abandoned rebuild) ends this runner.
          if (this.options.generation !== undefined) return;
          const active = await this.options.views.activeGeneration(this.options.projection).catch(() => undefined);
          if (writingTo !== undefined && active !== undefined) this.hooks.onGenerationSwitch?.(writingTo, active);
          continue;
        }
        if (this.committedSinceFailure) failures = 0;
        this.committedSinceFailure = false;
        const wait = backoff(failures++, this.options.retryMs ?? 500, this.options.maxRetryMs ?? 15_000);
        this.hooks.onError?.(error, wait);
        await this.sleep(wait);
      }
    }
  }

  private committedSinceFailure = false;
  private wakeUp: (() => void) | null = null;

  /** Waits, but a stop ends the wait at once. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.wakeUp = null));
  }

  /** Whether the live generation this runner wrote to has been replaced meanwhile. */
  private async switchedAway(generation: number | undefined): Promise<boolean> {
    if (this.options.generation !== undefined || generation === undefined) return false;
    const active = await this.options.views.activeGeneration(this.options.projection).catch(() => generation);
    return active !== generation;
  }

  private async follow(): Promise<void> {
    const { projection, events, views } = this.options;
    this.generation = this.options.generation ?? (await views.activeGeneration(projection));
    const after = (await views.checkpoint(projection, this.generation)) ?? undefined;
    const subscription = events.subscribeToAll({ after, filter: PROJECTED_STREAMS });
    this.subscription = subscription;
    try {
      for await (const batch of batches(subscription, BATCH_SIZE)) {
        if (this.stopped) return;
        await this.apply(batch);
      }
    } finally {
      await subscription.close();
    }
  }

  /**
   * Folds one batch into the documents it touches and commits them with the batch's last position.
   * Traced as one span for the batch and, for each event a traced command wrote, a span in that
   * command's trace that ends when the event is durably in the view.
   */
  async apply(batch: readonly RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    await this.applyProjected(batch.map(decodeForProjections), batch[batch.length - 1].position);
  }

  /**
   * The same for events already decoded (null for those that are not the projections'), so several
   * projections can share one read and one decoding of the log; `checkpoint` is the last one's position.
   */
  async applyProjected(decoded: readonly DecodedEvent[], checkpoint: Position, count = decoded.length): Promise<void> {
    const { projection } = this.options;
    const events = decoded.filter((e) => e !== null);
    const projected = events.filter((e): e is ProjectedEvent => !isUndecodable(e));
    const attributes = { 'projection.name': projection.name, 'projection.events': count };
    await traced(`project ${projection.name}`, attributes, async (batchSpan) => {
      const commands = projected.filter((e) => e.metadata.traceparent !== undefined);
      const eventSpans = commands.map((e) =>
        startSpan(
          `project ${e.event.type}`,
          { 'projection.name': projection.name, 'customer.stream': customerStream(e.partnerId, e.tenantId), 'customer.revision': e.revision, 'partner.id': e.partnerId, 'event.type': e.event.type },
          { kind: SpanKind.CONSUMER, parent: storedTraceContext(e.metadata), links: [{ context: batchSpan.spanContext() }] },
        ),
      );
      batchSpan.addLinks(eventSpans.map((span) => ({ context: span.spanContext() })));
      try {
        const parked = await this.fold(events, checkpoint);
        // The command's trace shows that its event was parked here rather than projected.
        commands.forEach((e, i) => {
          if (!parked.has(e.position)) return;
          eventSpans[i].setAttribute('projection.parked', true);
          failed(eventSpans[i], parked.get(e.position));
        });
      } catch (error) {
        for (const span of eventSpans) failed(span, error);
        throw error;
      } finally {
        for (const span of eventSpans) span.end();
      }
    });
    this.hooks.onCommitted?.(checkpoint, count);
  }

  /**
   * An event the projection throws on (or that cannot be decoded) is parked, not retried: it would
   * throw again every time and stall the whole view. Its document stays as it was before it, and
   * the customer's later events are folded on top: a view a little wrong for one customer, and
   * named as such in the parked events, serves better than one frozen for every customer. Store
   * failures are not caught here: they end the run, which starts again from the checkpoint.
   */
  /** Returns what each event it parked threw, by position key. */
  private async fold(events: (ProjectedEvent | UndecodableEvent)[], checkpoint: Position): Promise<Map<string, unknown>> {
    const { projection, views, metrics, written } = this.options;
    const timed = <T>(operation: string, run: () => Promise<T>) => (metrics ? metrics.timed('views', operation, run) : run());
    // Each event's document key, made once: the loads, the fold and the written set share it (a
    // rebuild folds every event of the log, and making it three times was a few % of that).
    const keys = events.map((e) => (isUndecodable(e) ? '' : `${e.partnerId}/${e.tenantId}`));
    const toLoad = new Map<string, DocumentKey>();
    events.forEach((e, i) => {
      const key = keys[i];
      if (!isUndecodable(e) && !toLoad.has(key) && (!written || written.has(key))) toLoad.set(key, { partnerId: e.partnerId, id: e.tenantId });
    });
    const documents = new Map<string, V | null>();
    for (const doc of await timed('load', () => views.load(projection, [...toLoad.values()], this.generation))) {
      documents.set(`${doc.partnerId}/${doc.id}`, doc);
    }
    const parked: ParkedEvent[] = [];
    const errors = new Map<string, unknown>();
    events.forEach((e, i) => {
      if (isUndecodable(e)) {
        parked.push(this.parking(e.undecodable, e.error, e.undecodable.created));
        return;
      }
      const key = keys[i];
      try {
        documents.set(key, projection.evolve(documents.get(key) ?? null, e));
      } catch (error) {
        errors.set(e.position, error);
        const { eventId, revision, position, event, metadata } = e;
        parked.push(this.parking({ id: eventId, stream: customerStream(e.partnerId, e.tenantId), type: event.type, revision, position }, error, new Date(metadata.occurredAt)));
      }
    });
    const changed = [...documents.values()].filter((d): d is V => d !== null);
    // Without the lease nothing is committed; the run ends with an error and starts again from the
    // durable checkpoint, so no batch read ahead can be committed past this one.
    if (this.hooks.mayCommit && !(await this.hooks.mayCommit())) throw new LeaseLost(projection.name);
    await timed('commit', () => views.commit(projection, changed, checkpoint, this.generation, parked));
    this.committedSinceFailure = true;
    if (written) for (const [key, doc] of documents) if (doc !== null) written.add(key);
    if (parked.length > 0) this.hooks.onParked?.(parked);
    return errors;
  }

  private parking(
    event: { id: string; stream: string; type: string; revision: number | bigint; position: Position | string },
    error: unknown,
    eventTime: Date,
  ): ParkedEvent {
    return {
      projection: this.options.projection.name,
      generation: this.generation!,
      position: typeof event.position === 'string' ? event.position : positionKey(event.position),
      stream: event.stream,
      revision: Number(event.revision),
      type: event.type,
      eventId: event.id,
      error: parkingError(error),
      parkedAt: (this.options.clock?.now() ?? eventTime).toISOString(),
    };
  }
}

function isUndecodable(e: ProjectedEvent | UndecodableEvent): e is UndecodableEvent {
  return 'undecodable' in e;
}

/**
 * Exponential backoff with "equal jitter": between half and all of `base · 2^failures`, capped, so
 * projectors that failed together (a store outage) do not all come back at the same instant.
 */
export function backoff(failures: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 20));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
