import {
  CountAllOptions,
  EventReader,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store';

/**
 * Turns the stored data of one event type from one schema version into the next. The version is
 * read from the event's `metadata.schemaVersion` (1 when absent).
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: unknown): unknown;
}

/** Every upcaster, by stored type and version: an old event is brought to the current shape step by step. */
export class Upcasters {
  private readonly steps = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[]) {
    for (const upcaster of upcasters) {
      const key = `${upcaster.type}@${upcaster.fromVersion}`;
      if (this.steps.has(key)) throw new Error(`Two upcasters from ${key}.`);
      this.steps.set(key, upcaster);
    }
  }

  apply(event: RecordedEvent): RecordedEvent {
    const metadata = (event.metadata ?? {}) as { schemaVersion?: unknown };
    let version = typeof metadata.schemaVersion === 'number' ? metadata.schemaVersion : 1;
    let data = event.data;
    let steps = 0;
    for (let step = this.steps.get(`${event.type}@${version}`); step; step = this.steps.get(`${event.type}@${version}`), steps++) {
      data = step.upcast(data);
      version++;
    }
    return steps === 0 ? event : { ...event, data, metadata: { ...metadata, schemaVersion: version } };
  }
}

/**
 * Wraps any event reader so that every read path (stream reads, $all reads, subscriptions) hands
 * out events in their current shape; nothing downstream ever sees an old one. Writes need no
 * wrapping: events are appended in the shape they are given.
 */
export class UpcastingEventReader implements EventReader {
  constructor(
    private readonly inner: EventReader,
    private readonly upcasters: Upcasters,
  ) {}

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(stream, options)).map((e) => this.upcasters.apply(e));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map((e) => this.upcasters.apply(e));
  }

  /** Upcasting changes an event's shape, never how many there are. */
  countAll(options: CountAllOptions): Promise<number> {
    return this.inner.countAll(options);
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    const inner = this.inner.subscribeToAll(options);
    const upcasters = this.upcasters;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) yield upcasters.apply(event);
      },
      close: () => inner.close(),
    };
  }
}
