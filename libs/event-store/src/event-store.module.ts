import { DynamicModule, FactoryProvider, Inject, Injectable, Module, ModuleMetadata, OnApplicationShutdown } from '@nestjs/common';
import { SqliteEventStore } from './embedded/sqlite-event-store';
import { EsdbEventStore } from './eventstoredb/esdb-event-store';
import { EVENT_READER, EVENT_WRITER, EventReader, EventStore, EventWriter } from './event-store';
import { Upcaster, Upcasters, UpcastingEventReader } from './upcasting';

/** Where the events are kept: a SQLite file (embedded) or an EventStoreDB server. */
export type EventStoreLocation =
  | { readonly kind: 'embedded'; readonly file: string; readonly busyTimeoutMs?: number }
  | { readonly kind: 'eventstoredb'; readonly connectionString: string; readonly deadlineMs?: number };

export interface EventStoreOptions {
  readonly store: EventStoreLocation;
  /** Bring every event read to its current shape; the store itself knows no event types. */
  readonly upcasters: readonly Upcaster[];
  /**
   * Wraps each port before it is provided (the app bounds every call and names the store in its
   * errors); the adapter's own `close` stays with this module.
   */
  readonly wrap?: <T extends object>(port: T, calls: { writes: readonly string[]; long: readonly string[] }) => T;
}

export interface EventStoreAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: FactoryProvider['inject'];
  // Nest's own factory signature: the injected values arrive in `inject`'s order, of any type.
  readonly useFactory: (...args: any[]) => EventStoreOptions | Promise<EventStoreOptions>;
}

/** Opens the adapter for a location; the caller owns it and closes it. */
export function openEventStore(location: EventStoreLocation): EventStore {
  return location.kind === 'eventstoredb'
    ? EsdbEventStore.connect(location.connectionString, location.deadlineMs)
    : new SqliteEventStore(location.file, { busyTimeoutMs: location.busyTimeoutMs });
}

// `readAll` may scan far (an export, a rebuild), and `countAll` reads what it counts on EventStoreDB:
// the adapters bound each round trip of them instead.
function wrapped<T extends object>(options: EventStoreOptions, port: T, writes: readonly string[]): T {
  return options.wrap ? options.wrap(port, { writes, long: ['readAll', 'countAll'] }) : port;
}

const OPTIONS = Symbol('EventStoreOptions');
const ADAPTER = Symbol('EventStoreAdapter');

/** Closes the store after the HTTP server has drained, so no acknowledged write is cut off. */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(ADAPTER) private readonly store: EventStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Provides `EVENT_READER` and `EVENT_WRITER` to the whole application (global), over one adapter
 * that it closes at shutdown. Register it once, in the root module.
 */
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreOptions): DynamicModule {
    return EventStoreModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync({ imports = [], inject = [], useFactory }: EventStoreAsyncOptions): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      imports,
      providers: [
        { provide: OPTIONS, inject, useFactory },
        { provide: ADAPTER, inject: [OPTIONS], useFactory: (options: EventStoreOptions) => openEventStore(options.store) },
        {
          provide: EVENT_READER,
          inject: [ADAPTER, OPTIONS],
          // Every read path gets events in their current shape, whichever adapter stores them.
          useFactory: (adapter: EventStore, options: EventStoreOptions): EventReader =>
            wrapped(options, new UpcastingEventReader(adapter, new Upcasters(options.upcasters)), []),
        },
        // Events are appended as given: only reads are upcast.
        {
          provide: EVENT_WRITER,
          inject: [ADAPTER, OPTIONS],
          useFactory: (adapter: EventStore, options: EventStoreOptions): EventWriter => wrapped<EventWriter>(options, adapter, ['append']),
        },
        EventStoreCloser,
      ],
      exports: [EVENT_READER, EVENT_WRITER],
    };
  }
}
