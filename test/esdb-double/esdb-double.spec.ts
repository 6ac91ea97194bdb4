/**
 * The EventStoreDB protocol double, driven by the real `@eventstore/db-client`: every semantic the
 * product relies on, checked the way the product will meet it.
 */
import { randomUUID } from 'node:crypto';
import { credentials, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type Position,
  type ResolvedEvent,
  type AllStreamResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import * as streams from '@eventstore/db-client/generated/streams_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { startEsdbDouble, type EsdbDouble } from '../support/esdb-double';

const WAIT_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// Small helpers: bounded waits, collecting reads, recording subscriptions.
// ---------------------------------------------------------------------------------------------

function within<T>(promise: Promise<T>, label: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function collect<E>(read: StreamingRead<E>, label = 'read'): Promise<E[]> {
  return within(
    (async () => {
      const out: E[] = [];
      for await (const item of read) out.push(item);
      return out;
    })(),
    label,
  );
}

function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function event(type = 'Thing', data: Record<string, unknown> = { n: 1 }, id: string = randomUUID()) {
  return jsonEvent({ id, type, data });
}

/** Records what a subscription delivers, with bounded waits. */
class Recorder<E extends ResolvedEvent | AllStreamResolvedEvent> {
  readonly events: E[] = [];
  readonly checkpoints: Position[] = [];
  readonly errors: Error[] = [];
  caughtUp = 0;
  confirmed = false;
  /** Every delivery in order: `event:<stream>/<rev>`, `checkpoint`, `caughtUp`. */
  readonly timeline: string[] = [];
  private readonly waiters = new Set<() => void>();

  readonly checkpointReached = (_subscription: unknown, position: Position): void => {
    this.checkpoints.push(position);
    this.timeline.push('checkpoint');
    this.ping();
  };

  // The client's subscription types extend its own copy of Node's Readable: only `on` is needed here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  attach(subscription: { on(event: string, listener: (...args: any[]) => void): unknown }): this {
    subscription.on('data', (resolved: E) => {
      this.events.push(resolved);
      this.timeline.push(`event:${resolved.event?.streamId}/${resolved.event?.revision}`);
      this.ping();
    });
    subscription.on('error', (error: Error) => {
      this.errors.push(error);
      this.ping();
    });
    subscription.on('caughtUp', () => {
      this.caughtUp++;
      this.timeline.push('caughtUp');
      this.ping();
    });
    subscription.on('confirmation', () => {
      this.confirmed = true;
      this.ping();
    });
    return this;
  }

  ids(): string[] {
    return this.events.map((e) => e.event!.id);
  }

  until(predicate: () => boolean, label: string, ms = WAIT_MS): Promise<void> {
    if (predicate()) return Promise.resolve();
    return within(
      new Promise<void>((resolve) => {
        const check = () => {
          if (!predicate()) return;
          this.waiters.delete(check);
          resolve();
        };
        this.waiters.add(check);
      }),
      `${label} (timeline: ${this.timeline.join(', ')})`,
      ms,
    );
  }

  private ping(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

// ---------------------------------------------------------------------------------------------

describe.each([['batch-append' as const], ['append' as const]])('EventStoreDB double — appends via %s', (appendVia) => {
  let double: EsdbDouble;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    double = await startEsdbDouble({ appendVia, maxAppendSize: 4_096 });
    client = EventStoreDBClient.connectionString(double.connectionString);
  });

  afterAll(async () => {
    await client?.dispose();
    await double?.stop();
  });

  const stream = () => `append-${appendVia}-${randomUUID()}`;
  const countIn = async (name: string) => (await collect(client.readStream(name))).length;

  async function expectConflict(name: string, expectedRevision: AppendExpectedRevision, expected: unknown, actual: unknown) {
    const error = await within(
      client.appendToStream(name, event(), { expectedRevision }).then(
        () => null,
        (e: unknown) => e,
      ),
      'conflicting append',
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect((error as WrongExpectedVersionError).streamName).toBe(name);
    expect((error as WrongExpectedVersionError).expectedVersion).toEqual(expected);
    expect((error as WrongExpectedVersionError).actualVersion).toEqual(actual);
  }

  it('no_stream writes a new stream and refuses an existing one', async () => {
    const name = stream();
    const result = await client.appendToStream(name, [event(), event()], { expectedRevision: NO_STREAM });
    expect(result.success).toBe(true);
    expect(result.nextExpectedRevision).toBe(1n);
    await expectConflict(name, NO_STREAM, 'no_stream', 1n);
    expect(await countIn(name)).toBe(2);
  });

  it('an exact revision writes only when it is the last revision', async () => {
    const name = stream();
    await expectConflict(name, 0n, 0n, 'no_stream');
    await client.appendToStream(name, [event(), event(), event()], { expectedRevision: NO_STREAM });
    await expectConflict(name, 1n, 1n, 2n);
    await expectConflict(name, 3n, 3n, 2n);
    const result = await client.appendToStream(name, event(), { expectedRevision: 2n });
    expect(result.nextExpectedRevision).toBe(3n);
  });

  it('stream_exists refuses a missing stream and writes to an existing one', async () => {
    const name = stream();
    await expectConflict(name, STREAM_EXISTS, 'stream_exists', 'no_stream');
    await client.appendToStream(name, event(), { expectedRevision: NO_STREAM });
    const result = await client.appendToStream(name, event(), { expectedRevision: STREAM_EXISTS });
    expect(result.nextExpectedRevision).toBe(1n);
  });

  it('any always writes', async () => {
    const name = stream();
    expect((await client.appendToStream(name, event(), { expectedRevision: ANY })).nextExpectedRevision).toBe(0n);
    expect((await client.appendToStream(name, event(), { expectedRevision: ANY })).nextExpectedRevision).toBe(1n);
    expect((await client.appendToStream(name, event())).nextExpectedRevision).toBe(2n);
  });

  it('re-appending the same event ids with the same expected revision is idempotent', async () => {
    const name = stream();
    const first = [event('A'), event('B')];
    const original = await client.appendToStream(name, first, { expectedRevision: NO_STREAM });
    expect(original.position).toEqual(double.lastPosition());

    // Same ids, same expected revision: the original result, nothing written.
    expect(await client.appendToStream(name, first, { expectedRevision: NO_STREAM })).toEqual(original);
    expect(double.lastPosition()).toEqual(original.position);

    const second = [event('C')];
    const secondResult = await client.appendToStream(name, second, { expectedRevision: 1n });
    expect(await client.appendToStream(name, second, { expectedRevision: 1n })).toEqual(secondResult);

    // With `any` EventStoreDB looks the ids up (best effort; the double always finds them).
    expect(await client.appendToStream(name, first, { expectedRevision: ANY })).toEqual(original);

    expect(await countIn(name)).toBe(3);
    expect(double.lastPosition()).toEqual(secondResult.position);
  });

  it('does not dedupe ids appended again at the current revision: they are written twice', async () => {
    const name = stream();
    const once = [event('A')];
    await client.appendToStream(name, once, { expectedRevision: NO_STREAM });
    const result = await client.appendToStream(name, once, { expectedRevision: 0n });
    expect(result.nextExpectedRevision).toBe(1n);
    const ids = (await collect(client.readStream(name))).map((e) => e.event!.id);
    expect(ids).toEqual([once[0].id, once[0].id]);
  });

  it('refuses a retry whose ids only partly match what stands after the expected revision', async () => {
    const name = stream();
    const [a, b] = [event('A'), event('B')];
    await client.appendToStream(name, [a, b], { expectedRevision: NO_STREAM });
    await expect(client.appendToStream(name, [a, event('X')], { expectedRevision: NO_STREAM })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    await expect(client.appendToStream(name, [a, event('X')], { expectedRevision: ANY })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await countIn(name)).toBe(2);
  });

  it('refuses an append larger than the maximum append size', async () => {
    const big = jsonEvent({ type: 'Big', data: { blob: 'x'.repeat(5_000) } });
    await expect(client.appendToStream(stream(), big)).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
  });
});

describe('EventStoreDB double — reads', () => {
  let double: EsdbDouble;
  let client: EventStoreDBClient;
  const name = `order-${randomUUID()}`;
  const other = `invoice-${randomUUID()}`;
  const written: Array<ReturnType<typeof event>> = [];
  const appendPositions: Position[] = [];

  beforeAll(async () => {
    double = await startEsdbDouble();
    client = EventStoreDBClient.connectionString(double.connectionString);
    for (let i = 0; i < 5; i++) {
      const e = jsonEvent({ type: `Step${i}`, data: { step: i, name: 'ünïcødé' }, metadata: { correlationId: `c-${i}` } });
      written.push(e);
      const result = await client.appendToStream(name, e, { expectedRevision: i === 0 ? NO_STREAM : BigInt(i - 1) });
      appendPositions.push(result.position!);
      await client.appendToStream(other, event('Billed', { i }));
    }
  });

  afterAll(async () => {
    await client?.dispose();
    await double?.stop();
  });

  it('reading a missing stream throws StreamNotFoundError from the loop, in both directions', async () => {
    await expect(collect(client.readStream(`missing-${randomUUID()}`))).rejects.toBeInstanceOf(StreamNotFoundError);
    await expect(collect(client.readStream(`missing-${randomUUID()}`, { direction: BACKWARDS, fromRevision: END }))).rejects.toBeInstanceOf(
      StreamNotFoundError,
    );
  });

  it('round-trips data, metadata, type, id, content type, and stamps `created` with the append time', async () => {
    const [first] = await collect(client.readStream(name, { maxCount: 1 }));
    const recorded = first.event!;
    expect(recorded.streamId).toBe(name);
    expect(recorded.id).toBe(written[0].id);
    expect(recorded.type).toBe('Step0');
    expect(recorded.revision).toBe(0n);
    expect(recorded.isJson).toBe(true);
    expect(recorded.data).toEqual({ step: 0, name: 'ünïcødé' });
    expect(recorded.metadata).toEqual({ correlationId: 'c-0' });
    expect(recorded.created).toBeInstanceOf(Date);
    expect(Math.abs(recorded.created.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('reads a stream forwards, backwards, from a revision (inclusive) and up to maxCount', async () => {
    const revisions = async (options: Parameters<EventStoreDBClient['readStream']>[1]) =>
      (await collect(client.readStream(name, options))).map((e) => e.event!.revision);
    expect(await revisions({})).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(await revisions({ direction: FORWARDS, fromRevision: 2n })).toEqual([2n, 3n, 4n]);
    expect(await revisions({ direction: FORWARDS, fromRevision: 1n, maxCount: 2 })).toEqual([1n, 2n]);
    expect(await revisions({ direction: BACKWARDS, fromRevision: END })).toEqual([4n, 3n, 2n, 1n, 0n]);
    expect(await revisions({ direction: BACKWARDS, fromRevision: 2n })).toEqual([2n, 1n, 0n]);
    expect(await revisions({ direction: BACKWARDS, fromRevision: END, maxCount: 2 })).toEqual([4n, 3n]);
    expect(await revisions({ direction: FORWARDS, fromRevision: 99n })).toEqual([]);
    expect(await revisions({ direction: FORWARDS, fromRevision: END })).toEqual([]);
  });

  it('gives strictly increasing $all positions, not small consecutive numbers, equal to the append results', async () => {
    const all = await collect(client.readAll());
    const positions = all.map((e) => e.event!.position);
    for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1], positions[i])).toBe(-1);
    expect(positions[0].commit).toBeGreaterThan(0n);
    expect(positions[1].commit - positions[0].commit).toBeGreaterThan(1n);

    const ours = all.filter((e) => e.event!.streamId === name);
    expect(ours.map((e) => e.event!.position)).toEqual(appendPositions);
    const viaStream = await collect(client.readStream(name));
    expect(viaStream.map((e) => e.event!.position)).toEqual(appendPositions);
  });

  it('gives each event of one append its own position; the append reports the last one', async () => {
    const batch = [event('X'), event('Y'), event('Z')];
    const result = await client.appendToStream(`multi-${randomUUID()}`, batch, { expectedRevision: NO_STREAM });
    const tail = await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 3 }));
    const positions = tail.map((e) => e.event!.position).reverse();
    expect(tail.map((e) => e.event!.id).reverse()).toEqual(batch.map((e) => e.id));
    expect(comparePositions(positions[0], positions[1])).toBe(-1);
    expect(comparePositions(positions[1], positions[2])).toBe(-1);
    expect(result.position).toEqual(positions[2]);
  });

  it('has system events in $all, as a real node does', async () => {
    const all = await collect(client.readAll({ maxCount: 3 }));
    expect(all.every((e) => e.event!.streamId.startsWith('$') && e.event!.type.startsWith('$'))).toBe(true);
  });

  it('reads $all forwards and backwards, from START, END and a position, up to maxCount', async () => {
    const everything = (await collect(client.readAll())).map((e) => e.event!.position);
    const at = everything[4];

    const forwardFrom = (await collect(client.readAll({ fromPosition: at }))).map((e) => e.event!.position);
    expect(forwardFrom).toEqual(everything.slice(4)); // forwards from a position includes the event there

    const backwardFrom = (await collect(client.readAll({ fromPosition: at, direction: BACKWARDS }))).map((e) => e.event!.position);
    expect(backwardFrom).toEqual(everything.slice(0, 4).reverse()); // backwards from a position excludes it

    const backwardFromEnd = (await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 3 }))).map(
      (e) => e.event!.position,
    );
    expect(backwardFromEnd).toEqual(everything.slice(-3).reverse());

    expect(await collect(client.readAll({ fromPosition: START, maxCount: 2 }))).toHaveLength(2);
    expect(await collect(client.readAll({ fromPosition: END }))).toEqual([]);
  });

  it('refuses to read $all from a position inside a record', async () => {
    const [, second] = await collect(client.readAll({ maxCount: 2 }));
    const inside = { commit: second.event!.position.commit + 1n, prepare: second.event!.position.prepare + 1n };
    await expect(collect(client.readAll({ fromPosition: inside }))).rejects.toThrow(/invalid position/i);
  });

  describe("raw gRPC with the client's own messages (what client 6.2.1 cannot send)", () => {
    let raw: StreamsClient;
    beforeAll(() => {
      raw = new StreamsClient(`127.0.0.1:${double.port}`, credentials.createInsecure());
    });
    afterAll(() => raw?.close());

    function filteredRead(expression: { prefixes?: string[]; regex?: string }, on: 'stream' | 'type', backwards = false, count = 1000) {
      const Options = streams.ReadReq.Options;
      const expr = new Options.FilterOptions.Expression().setPrefixList(expression.prefixes ?? []).setRegex(expression.regex ?? '');
      const filter = new Options.FilterOptions().setCount(new shared.Empty()).setCheckpointintervalmultiplier(1);
      if (on === 'stream') filter.setStreamIdentifier(expr);
      else filter.setEventType(expr);
      const options = new Options()
        .setAll(backwards ? new Options.AllOptions().setEnd(new shared.Empty()) : new Options.AllOptions().setStart(new shared.Empty()))
        .setReadDirection(backwards ? Options.ReadDirection.BACKWARDS : Options.ReadDirection.FORWARDS)
        .setCount(String(count))
        .setUuidOption(new Options.UUIDOption().setString(new shared.Empty()))
        .setFilter(filter);
      const call: ClientReadableStream<streams.ReadResp> = raw.read(new streams.ReadReq().setOptions(options));
      return within(
        new Promise<Array<{ stream: string; type: string }>>((resolve, reject) => {
          const out: Array<{ stream: string; type: string }> = [];
          call.on('data', (response: streams.ReadResp) => {
            const recorded = response.getEvent()?.getEvent();
            if (recorded) {
              out.push({
                stream: Buffer.from(recorded.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8'),
                type: recorded.getMetadataMap().get('type')!,
              });
            }
          });
          call.on('error', reject);
          call.on('end', () => resolve(out));
        }),
        'filtered read',
      );
    }

    it('filters on a stream-name prefix, forwards and backwards, counting matches', async () => {
      const forwards = await filteredRead({ prefixes: ['order-'] }, 'stream');
      expect(forwards.map((e) => e.type)).toEqual(['Step0', 'Step1', 'Step2', 'Step3', 'Step4']);
      const backwards = await filteredRead({ prefixes: ['order-'] }, 'stream', true, 2);
      expect(backwards.map((e) => e.type)).toEqual(['Step4', 'Step3']);
    });

    it('filters on a stream-name regex and on event-type prefixes and regexes', async () => {
      expect((await filteredRead({ regex: '^invoice-' }, 'stream')).every((e) => e.stream === other)).toBe(true);
      expect((await filteredRead({ prefixes: ['Step3', 'Billed'] }, 'type')).map((e) => e.type)).toEqual([
        'Billed', 'Billed', 'Billed', 'Step3', 'Billed', 'Billed',
      ]);
      expect((await filteredRead({ regex: '^Step[24]$' }, 'type')).map((e) => e.type)).toEqual(['Step2', 'Step4']);
      const notSystem = await filteredRead({ regex: '^[^$]' }, 'type');
      const everything = await collect(client.readAll());
      expect(notSystem).toHaveLength(everything.filter((e) => !e.event!.type.startsWith('$')).length);
      expect(everything.length).toBeGreaterThan(notSystem.length);
      expect(notSystem.some((e) => e.stream.startsWith('$'))).toBe(false);
    });

    it('refuses an append without the `type` metadata, as EventStoreDB does', async () => {
      const error = await within(
        new Promise<ServiceError | null>((resolve) => {
          const call = raw.append((e) => resolve(e));
          const options = new streams.AppendReq.Options()
            .setStreamIdentifier(new shared.StreamIdentifier().setStreamName(Buffer.from(`raw-${randomUUID()}`, 'utf8')))
            .setAny(new shared.Empty());
          const proposed = new streams.AppendReq.ProposedMessage()
            .setId(new shared.UUID().setString(randomUUID()))
            .setData(Buffer.from('{}'));
          proposed.getMetadataMap().set('content-type', 'application/json');
          call.write(new streams.AppendReq().setOptions(options));
          call.write(new streams.AppendReq().setProposedMessage(proposed));
          call.end();
        }),
        'append without type',
      );
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.metadata.get('exception')).toEqual(['missing-required-metadata-property']);
    });

    it('refuses option combinations EventStoreDB refuses (a backwards subscription)', async () => {
      const Options = streams.ReadReq.Options;
      const options = new Options()
        .setAll(new Options.AllOptions().setStart(new shared.Empty()))
        .setReadDirection(Options.ReadDirection.BACKWARDS)
        .setSubscription(new Options.SubscriptionOptions())
        .setUuidOption(new Options.UUIDOption().setString(new shared.Empty()))
        .setNoFilter(new shared.Empty());
      const call = raw.read(new streams.ReadReq().setOptions(options));
      const error = await within(
        new Promise<ServiceError>((resolve) => {
          call.on('data', () => undefined);
          call.on('error', resolve);
        }),
        'invalid combination',
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
    });

    it('answers with structured UUIDs when the request asks for them', async () => {
      const Options = streams.ReadReq.Options;
      const from = new Options.StreamOptions()
        .setStreamIdentifier(new shared.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8')))
        .setStart(new shared.Empty());
      const options = new Options()
        .setStream(from)
        .setReadDirection(Options.ReadDirection.FORWARDS)
        .setCount('1')
        .setUuidOption(new Options.UUIDOption().setStructured(new shared.Empty()))
        .setNoFilter(new shared.Empty());
      const call = raw.read(new streams.ReadReq().setOptions(options));
      const id = await within(
        new Promise<shared.UUID>((resolve, reject) => {
          call.on('data', (response: streams.ReadResp) => {
            const recorded = response.getEvent()?.getEvent();
            if (recorded) resolve(recorded.getId()!);
          });
          call.on('error', reject);
        }),
        'structured read',
      );
      expect(id.hasStructured()).toBe(true);
      const half = (bits: string) => BigInt.asUintN(64, BigInt(bits)).toString(16).padStart(16, '0');
      const hex = half(id.getStructured()!.getMostSignificantBits()) + half(id.getStructured()!.getLeastSignificantBits());
      expect(hex).toBe(written[0].id.replace(/-/g, ''));
    });
  });
});

describe('EventStoreDB double — subscriptions', () => {
  let double: EsdbDouble;
  let client: EventStoreDBClient;
  const unsubscribers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    double = await startEsdbDouble();
    client = EventStoreDBClient.connectionString(double.connectionString);
  });

  afterEach(async () => {
    await Promise.all(unsubscribers.splice(0).map((u) => u().catch(() => undefined)));
    await double.waitForNoSubscriptions(); // the server saw every cancellation
  });

  afterAll(async () => {
    await client?.dispose();
    await double?.stop();
  });

  it('subscribeToAll from START with a stream-prefix filter: confirmation, catch-up, checkpoint, caught up, then live', async () => {
    const prefix = `acct${randomUUID().slice(0, 8)}-`;
    const before = [event('Opened'), event('Renamed')];
    await client.appendToStream(`${prefix}1`, before, { expectedRevision: NO_STREAM });
    await client.appendToStream(`noise-${randomUUID()}`, event('Noise'));

    const recorder = new Recorder<AllStreamResolvedEvent>();
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: streamNameFilter({ prefixes: [prefix], checkpointReached: recorder.checkpointReached }),
    });
    unsubscribers.push(() => subscription.unsubscribe());
    recorder.attach(subscription);

    await recorder.until(() => recorder.caughtUp > 0, 'caught up');
    expect(recorder.confirmed).toBe(true);
    expect(recorder.ids()).toEqual(before.map((e) => e.id));
    // A checkpoint closes the catch-up, at or after the last event considered.
    expect(recorder.timeline.slice(-2)).toEqual(['checkpoint', 'caughtUp']);
    expect(comparePositions(recorder.checkpoints.at(-1)!, recorder.events.at(-1)!.event!.position)).toBeGreaterThanOrEqual(0);

    const live = event('Live');
    await client.appendToStream(`noise-${randomUUID()}`, event('Noise'));
    await client.appendToStream(`${prefix}2`, live);
    await recorder.until(() => recorder.events.length === 3, 'live event');
    expect(recorder.ids()).toEqual([...before.map((e) => e.id), live.id]);
    expect(recorder.events.every((e) => e.event!.streamId.startsWith(prefix))).toBe(true);
  });

  it('subscribeToAll from a position starts after it (exclusive) and sends periodic checkpoints per the filter interval', async () => {
    const prefix = `pos${randomUUID().slice(0, 8)}-`;
    const first = await client.appendToStream(`${prefix}a`, event('One'));
    const second = event('Two');
    await client.appendToStream(`${prefix}a`, second);

    const recorder = new Recorder<AllStreamResolvedEvent>();
    const subscription = client.subscribeToAll({
      fromPosition: first.position!,
      // interval = checkpointInterval (multiplier) × maxSearchWindow = 2 × 1 considered events
      filter: streamNameFilter({ prefixes: [prefix], maxSearchWindow: 1, checkpointInterval: 2, checkpointReached: recorder.checkpointReached }),
    });
    unsubscribers.push(() => subscription.unsubscribe());
    recorder.attach(subscription);
    await recorder.until(() => recorder.caughtUp > 0, 'caught up');
    expect(recorder.ids()).toEqual([second.id]);

    const checkpointsBefore = recorder.checkpoints.length;
    for (let i = 0; i < 4; i++) await client.appendToStream(`unrelated-${randomUUID()}`, event('Noise'));
    await recorder.until(() => recorder.checkpoints.length >= checkpointsBefore + 2, 'two live checkpoints');
    const last = double.lastPosition()!;
    expect(recorder.checkpoints.at(-1)).toEqual(last);
    expect(recorder.ids()).toEqual([second.id]);
  });

  it('subscribeToAll with an event-type filter and from END sees only new matching events', async () => {
    const type = `Special${randomUUID().slice(0, 8)}`;
    await client.appendToStream(`old-${randomUUID()}`, event(type));
    const recorder = new Recorder<AllStreamResolvedEvent>();
    const subscription = client.subscribeToAll({
      fromPosition: END,
      filter: eventTypeFilter({ prefixes: [type], checkpointReached: recorder.checkpointReached }),
    });
    unsubscribers.push(() => subscription.unsubscribe());
    recorder.attach(subscription);
    await recorder.until(() => recorder.caughtUp > 0, 'caught up');
    const fresh = event(type);
    await client.appendToStream(`new-${randomUUID()}`, [event('Other'), fresh]);
    await recorder.until(() => recorder.events.length === 1, 'new event');
    expect(recorder.ids()).toEqual([fresh.id]);
  });

  it('subscribeToStream: from START, from a revision (exclusive), and to a stream created later', async () => {
    const name = `sub-${randomUUID()}`;
    const initial = [event('A'), event('B'), event('C')];
    await client.appendToStream(name, initial, { expectedRevision: NO_STREAM });

    const fromStart = new Recorder<ResolvedEvent>();
    const s1 = client.subscribeToStream(name, { fromRevision: START });
    unsubscribers.push(() => s1.unsubscribe());
    fromStart.attach(s1);
    const fromRevision = new Recorder<ResolvedEvent>();
    const s2 = client.subscribeToStream(name, { fromRevision: 1n });
    unsubscribers.push(() => s2.unsubscribe());
    fromRevision.attach(s2);
    const later = `later-${randomUUID()}`;
    const notYet = new Recorder<ResolvedEvent>();
    const s3 = client.subscribeToStream(later);
    unsubscribers.push(() => s3.unsubscribe());
    notYet.attach(s3);

    await fromStart.until(() => fromStart.caughtUp > 0, 'start caught up');
    await fromRevision.until(() => fromRevision.caughtUp > 0, 'revision caught up');
    await notYet.until(() => notYet.caughtUp > 0, 'missing stream caught up');
    expect(fromStart.ids()).toEqual(initial.map((e) => e.id));
    expect(fromRevision.ids()).toEqual([initial[2].id]);
    expect(notYet.events).toEqual([]);

    const d = event('D');
    await client.appendToStream(name, d, { expectedRevision: 2n });
    const born = event('Born');
    await client.appendToStream(later, born, { expectedRevision: NO_STREAM });
    await fromStart.until(() => fromStart.events.length === 4, 'live D');
    await fromRevision.until(() => fromRevision.events.length === 2, 'live D after revision');
    await notYet.until(() => notYet.events.length === 1, 'first event of the new stream');
    expect(fromStart.events.at(-1)!.event!.revision).toBe(3n);
    expect(notYet.ids()).toEqual([born.id]);
  });

  it('ends a subscription cleanly on the server when the client unsubscribes', async () => {
    const subscription = client.subscribeToAll({ fromPosition: END });
    const recorder = new Recorder<AllStreamResolvedEvent>().attach(subscription);
    await recorder.until(() => recorder.caughtUp > 0, 'caught up');
    expect(double.subscriptionCount()).toBe(1);
    await subscription.unsubscribe();
    await double.waitForNoSubscriptions();
    expect(recorder.errors).toEqual([]);
  });

  it('fails a subscription whose start position lies inside a record', async () => {
    const { position } = await client.appendToStream(`inside-${randomUUID()}`, event());
    const subscription = client.subscribeToAll({ fromPosition: { commit: position!.commit - 1n, prepare: position!.prepare - 1n } });
    unsubscribers.push(() => subscription.unsubscribe());
    const recorder = new Recorder<AllStreamResolvedEvent>().attach(subscription);
    await recorder.until(() => recorder.errors.length > 0, 'invalid position error');
    expect(recorder.errors[0].message).toMatch(/invalid position/i);
  });

  it('dropSubscriptions surfaces an error to every subscriber, and subscribing again works', async () => {
    const name = `drop-${randomUUID()}`;
    await client.appendToStream(name, event('Before'));
    const first = new Recorder<ResolvedEvent>();
    const s1 = client.subscribeToStream(name);
    unsubscribers.push(() => s1.unsubscribe());
    first.attach(s1);
    const second = new Recorder<AllStreamResolvedEvent>();
    const s2 = client.subscribeToAll({ fromPosition: END });
    unsubscribers.push(() => s2.unsubscribe());
    second.attach(s2);
    await first.until(() => first.caughtUp > 0, 'first caught up');
    await second.until(() => second.caughtUp > 0, 'second caught up');

    expect(double.dropSubscriptions()).toBeGreaterThanOrEqual(2);
    await first.until(() => first.errors.length > 0, 'first dropped');
    await second.until(() => second.errors.length > 0, 'second dropped');
    expect(first.errors[0]).toBeInstanceOf(UnavailableError);
    expect(second.errors[0]).toBeInstanceOf(UnavailableError);
    await double.waitForNoSubscriptions();

    // Resubscribe from the last event seen: nothing is redelivered, new events arrive.
    const again = new Recorder<ResolvedEvent>();
    const s3 = client.subscribeToStream(name, { fromRevision: first.events.at(-1)!.event!.revision });
    unsubscribers.push(() => s3.unsubscribe());
    again.attach(s3);
    await again.until(() => again.caughtUp > 0, 'resubscribed');
    const after = event('After');
    await client.appendToStream(name, after);
    await again.until(() => again.events.length === 1, 'event after resubscription');
    expect(again.ids()).toEqual([after.id]);
  });
});

describe('EventStoreDB double — volume (back-pressure and default checkpoint cadence)', () => {
  let double: EsdbDouble;
  let client: EventStoreDBClient;
  const prefix = `bulk${randomUUID().slice(0, 8)}-`;
  const total = 2_000;

  beforeAll(async () => {
    double = await startEsdbDouble();
    client = EventStoreDBClient.connectionString(double.connectionString);
    for (let batch = 0; batch < total / 500; batch++) {
      const events = Array.from({ length: 500 }, (_, i) => event('Bulk', { i: batch * 500 + i, pad: 'p'.repeat(200) }));
      await client.appendToStream(`${prefix}${batch % 2}`, events);
      await client.appendToStream(`other-${randomUUID()}`, event('Noise'));
    }
  });

  afterAll(async () => {
    await client?.dispose();
    await double?.stop();
  });

  it('streams a large catch-up completely, in order, checkpointing every 32 considered events by default', async () => {
    const recorder = new Recorder<AllStreamResolvedEvent>();
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: streamNameFilter({ prefixes: [prefix], checkpointReached: recorder.checkpointReached }),
    });
    recorder.attach(subscription);
    try {
      await recorder.until(() => recorder.caughtUp > 0, 'bulk catch-up', 20_000);
      expect(recorder.events).toHaveLength(total);
      const numbers = recorder.events.map((e) => (e.event!.data as { i: number }).i);
      expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i));
      const considered = (await collect(client.readAll(), 'bulk readAll')).length;
      expect(recorder.checkpoints).toHaveLength(Math.floor(considered / 32) + (considered % 32 === 0 ? 0 : 1));
      for (let i = 1; i < recorder.checkpoints.length; i++) {
        expect(comparePositions(recorder.checkpoints[i - 1], recorder.checkpoints[i])).toBe(-1);
      }
    } finally {
      await subscription.unsubscribe();
    }
    await double.waitForNoSubscriptions();
  });
});
