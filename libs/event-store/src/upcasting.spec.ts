import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './embedded/sqlite-event-store';
import { AppendResult, EventStore, EventWriter, ExpectedRevision, NewEvent, RecordedEvent, WrongExpectedVersion } from './event-store';
import { comparePositions, START } from './position';
import { Upcaster, Upcasters, UpcastingEventReader } from './upcasting';

/**
 * A made-up event whose shape changed twice:
 * v1 `{ name: "Ada Lovelace" }` → v2 `{ first, last }` → v3 `{ person: { first, last } }`.
 */
const v1ToV2: Upcaster = {
  type: 'PersonNamed',
  fromVersion: 1,
  upcast: (data) => {
    const [first, ...rest] = (data as { name: string }).name.split(' ');
    return { first, last: rest.join(' ') };
  },
};
const v2ToV3: Upcaster = {
  type: 'PersonNamed',
  fromVersion: 2,
  upcast: (data) => ({ person: data }),
};
const V3 = { person: { first: 'Ada', last: 'Lovelace' } };

function recorded(type: string, data: unknown, metadata: unknown, overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    id: randomUUID(),
    stream: 'person-1',
    type,
    revision: 4n,
    position: { commit: 40n, prepare: 40n },
    data,
    metadata,
    created: new Date('2025-03-01T09:30:00.000Z'),
    ...overrides,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('Upcasters (registry)', () => {
  it('chains v1 → v2 → v3 in version order, whatever order the upcasters are registered in', () => {
    const calls: string[] = [];
    const spy = (u: Upcaster): Upcaster => ({ ...u, upcast: (d) => (calls.push(`${u.type}@${u.fromVersion}`), u.upcast(d)) });
    const registry = new Upcasters([spy(v2ToV3), spy(v1ToV2)]);

    const event = deepFreeze(recorded('PersonNamed', { name: 'Ada Lovelace' }, { schemaVersion: 1, commandId: 'c-1' }));
    const current = registry.apply(event);

    expect(calls).toEqual(['PersonNamed@1', 'PersonNamed@2']);
    expect(current.data).toStrictEqual(V3);
    expect(current.metadata).toStrictEqual({ schemaVersion: 3, commandId: 'c-1' });
    // Everything but data and metadata is the stored event's.
    const { data: _d, metadata: _m, ...envelope } = current;
    const { data: _d2, metadata: _m2, ...stored } = event;
    expect(envelope).toStrictEqual(stored);
  });

  it('starts from the stored version: a v2 event gets only the v2 → v3 step', () => {
    const calls: number[] = [];
    const registry = new Upcasters([
      { ...v1ToV2, upcast: (d) => (calls.push(1), v1ToV2.upcast(d)) },
      { ...v2ToV3, upcast: (d) => (calls.push(2), v2ToV3.upcast(d)) },
    ]);
    const current = registry.apply(recorded('PersonNamed', { first: 'Ada', last: 'Lovelace' }, { schemaVersion: 2 }));
    expect(calls).toEqual([2]);
    expect(current.data).toStrictEqual(V3);
    expect(current.metadata).toStrictEqual({ schemaVersion: 3 });
  });

  it('leaves an event of the current version untouched (the same object)', () => {
    const registry = new Upcasters([v1ToV2, v2ToV3]);
    const event = recorded('PersonNamed', V3, { schemaVersion: 3 });
    expect(registry.apply(event)).toBe(event);
  });

  it('leaves events of types without upcasters untouched (the same object), whatever their version', () => {
    const registry = new Upcasters([v1ToV2, v2ToV3]);
    for (const metadata of [{ schemaVersion: 1 }, { schemaVersion: 7 }, {}, null, undefined]) {
      const event = recorded('SomethingElse', { name: 'Ada Lovelace' }, metadata);
      expect(registry.apply(event)).toBe(event);
    }
  });

  it('treats a missing schemaVersion (or missing metadata) as version 1', () => {
    const registry = new Upcasters([v1ToV2, v2ToV3]);
    const withoutVersion = registry.apply(recorded('PersonNamed', { name: 'Ada Lovelace' }, { commandId: 'c-2' }));
    expect(withoutVersion.data).toStrictEqual(V3);
    expect(withoutVersion.metadata).toStrictEqual({ commandId: 'c-2', schemaVersion: 3 });

    for (const metadata of [null, undefined]) {
      const current = registry.apply(recorded('PersonNamed', { name: 'Ada Lovelace' }, metadata));
      expect(current.data).toStrictEqual(V3);
      expect(current.metadata).toStrictEqual({ schemaVersion: 3 });
    }
  });

  it('updates metadata.schemaVersion and keeps every other metadata field, without touching the stored event', () => {
    const registry = new Upcasters([v1ToV2]);
    const metadata = { commandId: 'c-3', correlationId: 'corr-3', actor: { sub: 'u', partnerId: 'p', roles: ['admin-agent'] }, schemaVersion: 1 };
    const event = deepFreeze(recorded('PersonNamed', { name: 'Grace Brewster Hopper' }, metadata));
    const current = registry.apply(event);
    expect(current).not.toBe(event);
    expect(current.data).toStrictEqual({ first: 'Grace', last: 'Brewster Hopper' });
    expect(current.metadata).toStrictEqual({ ...metadata, schemaVersion: 2 });
    // The input (frozen above) is unchanged.
    expect(event.data).toStrictEqual({ name: 'Grace Brewster Hopper' });
    expect((event.metadata as { schemaVersion: number }).schemaVersion).toBe(1);
  });

  it('moves the version on even when a step leaves the data as it was (a shape that only gained meaning)', () => {
    // v2 of "Flagged" only changed what the data means, not its shape: the step returns its input.
    const registry = new Upcasters([{ type: 'Flagged', fromVersion: 1, upcast: (d) => d }]);
    const current = registry.apply(recorded('Flagged', { on: true }, { schemaVersion: 1 }));
    expect(current.data).toStrictEqual({ on: true });
    expect(current.metadata).toStrictEqual({ schemaVersion: 2 });
  });

  it('refuses two upcasters from the same type and version', () => {
    expect(() => new Upcasters([v1ToV2, v2ToV3, { ...v1ToV2, upcast: (d) => d }])).toThrow(/Two upcasters from PersonNamed@1/);
    // The same version of different types, and different versions of one type, are fine.
    expect(() => new Upcasters([v1ToV2, v2ToV3, { ...v1ToV2, type: 'Other' }])).not.toThrow();
  });
});

describe('UpcastingEventReader on the embedded SQLite store', () => {
  let dir: string;
  let inner: SqliteEventStore;
  let appends: { stream: string; events: readonly NewEvent[]; expected: ExpectedRevision; result: AppendResult }[];
  // Appends go to the adapter as they are (the module provides it as the writer); reads go through the wrapper.
  let writer: EventWriter;
  let store: UpcastingEventReader;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'upcasting-'));
    inner = new SqliteEventStore(join(dir, 'events.sqlite'), { pollIntervalMs: 50 });
    appends = [];
    // Sees exactly what the wrapper hands to the adapter.
    const recording: EventStore = {
      append: async (stream, events, expected) => {
        const result = await inner.append(stream, events, expected);
        appends.push({ stream, events, expected, result });
        return result;
      },
      readStream: (s, o) => inner.readStream(s, o),
      readAll: (o) => inner.readAll(o),
      countAll: (o) => inner.countAll(o),
      subscribeToAll: (o) => inner.subscribeToAll(o),
      close: () => inner.close(),
    };
    writer = recording;
    store = new UpcastingEventReader(recording, new Upcasters([v1ToV2, v2ToV3]));
  });

  afterEach(async () => {
    await inner.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (type: string, data: unknown, metadata: unknown): NewEvent => ({ id: randomUUID(), type, data, metadata });
  const oldV1 = () => event('PersonNamed', { name: 'Ada Lovelace' }, { schemaVersion: 1, commandId: 'c-v1' });
  const unversioned = () => event('PersonNamed', { name: 'Ada Lovelace' }, { commandId: 'c-none' });
  const oldV2 = () => event('PersonNamed', { first: 'Ada', last: 'Lovelace' }, { schemaVersion: 2, commandId: 'c-v2' });
  const currentV3 = () => event('PersonNamed', V3, { schemaVersion: 3, commandId: 'c-v3' });
  const other = () => event('SomethingElse', { name: 'Ada Lovelace' }, { schemaVersion: 1, commandId: 'c-other' });

  async function seed(stream: string): Promise<NewEvent[]> {
    const events = [oldV1(), unversioned(), oldV2(), currentV3(), other()];
    await writer.append(stream, events, 'no_stream');
    return events;
  }

  function expectCurrent(read: RecordedEvent[], written: NewEvent[]): void {
    expect(read.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(read.map((e) => e.data)).toStrictEqual([V3, V3, V3, V3, { name: 'Ada Lovelace' }]);
    expect(read.map((e) => e.metadata)).toStrictEqual([
      { schemaVersion: 3, commandId: 'c-v1' },
      { schemaVersion: 3, commandId: 'c-none' },
      { schemaVersion: 3, commandId: 'c-v2' },
      { schemaVersion: 3, commandId: 'c-v3' },
      { schemaVersion: 1, commandId: 'c-other' },
    ]);
  }

  it('appends go to the adapter unchanged: it gets the very arguments, stores the old shape as given, and its result comes back', async () => {
    const stream = `person-${randomUUID()}`;
    const first = [oldV1(), unversioned()];
    const result = await writer.append(stream, first, 'no_stream');
    expect(appends).toHaveLength(1);
    expect(appends[0].stream).toBe(stream);
    expect(appends[0].events).toBe(first);
    expect(appends[0].expected).toBe('no_stream');
    expect(result).toBe(appends[0].result);
    expect(result.nextRevision).toBe(1n);

    const second = [oldV2()];
    const next = await writer.append(stream, second, 1n);
    expect(appends[1].events).toBe(second);
    expect(appends[1].expected).toBe(1n);
    expect(next.nextRevision).toBe(2n);

    // What the adapter holds is exactly what was appended: no upcasting on the way in.
    const stored = await inner.readStream(stream);
    expect(stored.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }))).toStrictEqual(
      [...first, ...second].map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
    );

    // Conflicts come through as the adapter raises them.
    const conflict = writer.append(stream, [oldV1()], 0n);
    await expect(conflict).rejects.toBeInstanceOf(WrongExpectedVersion);
    await expect(conflict).rejects.toMatchObject({ stream, expected: 0n, actual: 2n });
    expect(await inner.readStream(stream)).toHaveLength(3);
  });

  it('readStream hands out current shapes, keeps the envelope, and honours the read options', async () => {
    const stream = `person-${randomUUID()}`;
    const written = await seed(stream);
    const raw = await inner.readStream(stream);

    const read = await store.readStream(stream);
    expectCurrent(read, written);
    // Envelope fields are the adapter's.
    expect(read.map(({ stream: s, revision, position, created, type }) => ({ s, revision, position, created, type }))).toEqual(
      raw.map(({ stream: s, revision, position, created, type }) => ({ s, revision, position, created, type })),
    );
    // Events already current are handed out as the adapter read them.
    expect(read[3]).toStrictEqual(raw[3]);
    expect(read[4]).toStrictEqual(raw[4]);

    const page = await store.readStream(stream, { fromRevision: 1n, maxCount: 2 });
    expect(page.map((e) => e.revision)).toEqual([1n, 2n]);
    expect(page.map((e) => e.data)).toStrictEqual([V3, V3]);
    const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 5 });
    expect(backwards.map((e) => e.revision)).toEqual([4n, 3n, 2n, 1n, 0n]);
    expect(backwards.map((e) => (e.metadata as { schemaVersion: number }).schemaVersion)).toEqual([1, 3, 3, 3, 3]);

    expect(await store.readStream(`person-${randomUUID()}`)).toEqual([]);
  });

  it('readAll hands out current shapes, with filters and paging passed through', async () => {
    const a = `person-${randomUUID()}`;
    const b = `elsewhere-${randomUUID()}`;
    const writtenA = await seed(a);
    await writer.append(b, [oldV1()], 'no_stream');

    const all = await store.readAll();
    expect(all).toHaveLength(6);
    expect(all.every((e) => e.type !== 'PersonNamed' || (e.metadata as { schemaVersion: number }).schemaVersion === 3)).toBe(true);
    expect(all.filter((e) => e.type === 'PersonNamed').map((e) => e.data)).toStrictEqual([V3, V3, V3, V3, V3]);

    const onlyA = await store.readAll({ filter: { streamNamePrefix: 'person-' } });
    expectCurrent(onlyA, writtenA);

    const page = await store.readAll({ after: onlyA[0].position, maxCount: 2, filter: { streamNamePrefix: 'person-' } });
    expect(page.map((e) => e.id)).toEqual([writtenA[1].id, writtenA[2].id]);
    expect(page.map((e) => e.data)).toStrictEqual([V3, V3]);

    const backwards = await store.readAll({ direction: 'backwards', maxCount: 1 });
    expect(backwards).toHaveLength(1);
    expect(backwards[0].stream).toBe(b);
    expect(backwards[0].data).toStrictEqual(V3);
  });

  it('subscribeToAll hands out current shapes, for events stored before and after subscribing', async () => {
    const stream = `person-${randomUUID()}`;
    const written = await seed(stream);
    const subscription = store.subscribeToAll({ filter: { streamNamePrefix: 'person-' } });
    const received: RecordedEvent[] = [];
    const later = oldV1();
    const done = (async () => {
      for await (const e of subscription) {
        received.push(e);
        if (received.length === 5) await writer.append(stream, [later], 4n);
        if (received.length === 6) break;
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([done, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${received.length} events arrived`)), 5000)))]);
    } finally {
      clearTimeout(timer);
      await subscription.close();
    }

    expectCurrent(received.slice(0, 5), written);
    expect(received[5].id).toBe(later.id);
    expect(received[5].revision).toBe(5n);
    expect(received[5].data).toStrictEqual(V3);
    expect(received[5].metadata).toStrictEqual({ schemaVersion: 3, commandId: 'c-v1' });
    for (let i = 1; i < received.length; i++) expect(comparePositions(received[i - 1].position, received[i].position)).toBeLessThan(0);

    // The stored event stays old.
    expect((await inner.readStream(stream, { fromRevision: 5n }))[0].data).toStrictEqual({ name: 'Ada Lovelace' });
  });

  it('subscribeToAll starts after the given position and can be closed while waiting', async () => {
    const stream = `person-${randomUUID()}`;
    await seed(stream);
    const [, second] = await inner.readStream(stream);
    const subscription = store.subscribeToAll({ after: second.position });
    const received: RecordedEvent[] = [];
    const done = (async () => {
      for await (const e of subscription) received.push(e);
    })();
    while (received.length < 3) await new Promise((r) => setTimeout(r, 10));
    await subscription.close();
    await done;
    expect(received.map((e) => e.revision)).toEqual([2n, 3n, 4n]);
    expect(received.map((e) => e.data)).toStrictEqual([V3, V3, { name: 'Ada Lovelace' }]);
    expect(comparePositions(received[0].position, START)).toBeGreaterThan(0);
  });
});
