/**
 * Starts the EventStoreDB protocol double: an in-process gRPC server, built on the client
 * package's own service definitions, over an in-memory log. Test support only.
 */
import { Server, ServerCredentials, status as Status, type ServerDuplexStream } from '@grpc/grpc-js';
import { appendHandler } from './append-handler';
import { batchAppendHandler } from './batch-append-handler';
import { EventLog } from './event-log';
import { rpcError, serverUnavailable } from './grpc-errors';
import type { LogPosition } from './position';
import { ServerFeaturesService, StreamsService, type streams } from './proto';
import { readHandler } from './read-handler';
import { supportedMethodsHandler } from './server-features';
import { SubscriptionRegistry } from './subscription-registry';
import { writeSystemEvents } from './system-events';

export interface EsdbDoubleOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /**
   * How the client will append. `'batch-append'` (default) lists `Streams.BatchAppend` in the server
   * features, as every 21.10+ node does, so the client takes the same path as in production.
   * `'append'` leaves `ServerFeatures` unimplemented, so the client falls back to `Streams.Append`.
   */
  readonly appendVia?: 'batch-append' | 'append';
  /** Write a few `$` system events first, as a real node's $all has them. Default true. */
  readonly systemEvents?: boolean;
  /** Send `caught_up` when a subscription goes live, as 23.10+ nodes do. Default true. */
  readonly sendCaughtUp?: boolean;
  /** Largest append, in bytes of type + data + metadata. Default 1 MiB, EventStoreDB's default. */
  readonly maxAppendSize?: number;
  /** Reported by `ServerFeatures`. Default '24.10.0'. */
  readonly serverVersion?: string;
  /** Start on the log of a stopped double (its `data`), as a real node restarts on its files. */
  readonly data?: EsdbDoubleData;
}

/** The log of a double, to start another one on (opaque). */
export interface EsdbDoubleData {
  readonly log: EventLog;
}

export interface DropOptions {
  /** Default UNAVAILABLE, what a subscriber sees when its node goes away. */
  readonly code?: Status;
  readonly details?: string;
}

export interface EsdbDouble {
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  /** Live subscriptions right now. */
  subscriptionCount(): number;
  /** Resolves when at least `count` subscriptions are live (rejects after `timeoutMs`, default 5 s). */
  waitForSubscriptions(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves when no subscription is live any more, e.g. after clients unsubscribed (rejects after `timeoutMs`). */
  waitForNoSubscriptions(timeoutMs?: number): Promise<void>;
  /** Ends every live subscription with a gRPC error; returns how many were dropped. */
  dropSubscriptions(options?: DropOptions): number;
  /** Position of the last event in $all, or null when the log is empty. */
  lastPosition(): LogPosition | null;
  /** Every byte the log holds (stream names, types, data, metadata), for tests that search what was stored. */
  logBytes(): Buffer;
  /** Ends subscriptions and open batch-append calls, then shuts the server down. Idempotent. */
  stop(): Promise<void>;
  /**
   * Holds every call that arrives from now on without answering, as a node frozen by SIGSTOP does
   * (connections stay open, nothing comes back), until `resume`.
   */
  pause(): void;
  resume(): void;
  /** This double's log, for `startEsdbDouble({ data, port })` after `stop`. */
  readonly data: EsdbDoubleData;
}

/** Where the first event's record starts: a real log begins with records that are not events. */
const FIRST_EVENT_OFFSET = 1_024n;
const SHUTDOWN_GRACE_MS = 1_000;

export async function startEsdbDouble(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
  const host = options.host ?? '127.0.0.1';
  const batchAppend = (options.appendVia ?? 'batch-append') === 'batch-append';
  const maxAppendSize = options.maxAppendSize ?? 1_048_576;

  const log = options.data?.log ?? new EventLog(FIRST_EVENT_OFFSET);
  if (!options.data && (options.systemEvents ?? true)) writeSystemEvents(log);
  let paused: { promise: Promise<void>; release: () => void } | null = null;
  // A handler runs once the double is not paused; calls that arrived meanwhile wait in line.
  const gated =
    <A extends unknown[]>(handler: (...args: A) => unknown) =>
    (...args: A): void => {
      if (!paused) {
        handler(...args);
        return;
      }
      void paused.promise.then(() => handler(...args));
    };
  const registry = new SubscriptionRegistry();
  const batchCalls = new Set<ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>>();

  const server = new Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
  server.addService(StreamsService, {
    read: gated(readHandler(log, registry, { sendCaughtUp: options.sendCaughtUp ?? true })),
    append: gated(appendHandler(log, { maxAppendSize })),
    batchAppend: gated(batchAppendHandler(log, { maxAppendSize }, batchCalls)),
    delete: (_call: unknown, callback: (error: Error) => void) => callback(rpcError(Status.UNIMPLEMENTED, 'Not implemented by the double.')),
    tombstone: (_call: unknown, callback: (error: Error) => void) => callback(rpcError(Status.UNIMPLEMENTED, 'Not implemented by the double.')),
  });
  if (batchAppend) {
    server.addService(ServerFeaturesService, {
      getSupportedMethods: supportedMethodsHandler({ serverVersion: options.serverVersion ?? '24.10.0', batchAppend }),
    });
  }

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

  let stopping: Promise<void> | undefined;
  return {
    connectionString: `esdb://${host}:${port}?tls=false`,
    host,
    port,
    subscriptionCount: () => registry.size,
    waitForSubscriptions: (count, timeoutMs = 5_000) => registry.until((size) => size >= count, timeoutMs),
    waitForNoSubscriptions: (timeoutMs = 5_000) => registry.until((size) => size === 0, timeoutMs),
    dropSubscriptions: ({ code = Status.UNAVAILABLE, details = 'Subscription dropped by the EventStoreDB double.' } = {}) =>
      registry.dropAll(rpcError(code, details)),
    lastPosition: () => log.all.at(-1)?.position ?? null,
    logBytes: () => Buffer.concat(log.all.flatMap((e) => [Buffer.from(`${e.streamName}\n${e.type}\n`), e.data, e.customMetadata])),
    data: { log },
    pause: () => {
      if (paused) return;
      let release!: () => void;
      const promise = new Promise<void>((r) => (release = r));
      paused = { promise, release };
    },
    resume: () => {
      paused?.release();
      paused = null;
    },
    stop: () =>
      (stopping ??= (async () => {
        paused?.release();
        paused = null;
        registry.dropAll(serverUnavailable());
        for (const call of [...batchCalls]) call.end();
        batchCalls.clear();
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, SHUTDOWN_GRACE_MS);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
      })()),
  };
}
