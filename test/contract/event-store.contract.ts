import { randomUUID } from 'node:crypto';
import {
  AppendResult,
  comparePositions,
  EventStore,
  eventIdFor,
  formatPosition,
  inPartition,
  NewEvent,
  Position,
  RecordedEvent,
  START,
  Subscription,
  WrongExpectedVersion,
} from '@app/event-store';
import { storePerTest } from './store-per-test';

/**
 * The event-store port contract. Every adapter (embedded SQLite, EventStoreDB) runs this same
 * suite, so it speaks only through the port: no adapter specifics, no assumption that positions
 * are small integers or that commit === prepare, only that they strictly increase.
 *
 * Every test works on streams of its own (random names), so the tests hold even when `open`
 * hands out one shared store.
 */
export function eventStoreContract(
  name: string,
  open: () => Promise<EventStore>,
  teardown: (store: EventStore) => Promise<void> = (store) => store.close(),
): void {
  describe(`EventStore contract: ${name}`, () => {
    /** The store of the running test. */
    const es = storePerTest(open, teardown);

    describe('append and readStream', () => {
      it("appends one event to a new stream with 'no_stream' at revision 0", async () => {
        const stream = streamName('new');
        const event = newEvent('Opened', { n: 1 });

        const result = await es().append(stream, [event], 'no_stream');

        expect(result.nextRevision).toBe(0n);
        const read = await es().readStream(stream);
        expect(read).toHaveLength(1);
        expect(read[0].id).toBe(event.id);
        expect(read[0].stream).toBe(stream);
        expect(read[0].revision).toBe(0n);
      });

      it('gives a multi-event append consecutive revisions 0..n-1 and reads them back intact, in order', async () => {
        const stream = streamName('multi');
        const startedAt = Date.now();
        const events: NewEvent[] = [
          newEvent(
            'CustomerRegistered',
            {
              name: 'Zoë Ångström — 東京 🚀',
              address: { lines: ['1 Rue de l’Église', 'Ålesund'], country: { code: 'NO', name: 'Norge' } },
              tags: ['α', 'β', '😀'],
              nested: { deep: { deeper: { deepest: [1, 'two', { three: [true, false, null] }] } } },
              amount: 1234.5,
              empty: {},
              list: [],
              flag: false,
            },
            { correlationId: randomUUID(), causationId: randomUUID(), 'clé': 'välue 😀', actor: { id: 'ü-1' } },
          ),
          newEvent('Renamed', { name: 'Žofie Ñúñez' }, { seq: 2 }),
          newEvent('Noted', { text: 'line one\nline "two"\t\\ 𝒞' }, {}),
          newEvent('Scalar', 42, null),
        ];

        const result = await es().append(stream, events, 'no_stream');

        expect(result.nextRevision).toBe(BigInt(events.length - 1));
        const read = await es().readStream(stream);
        expect(read).toHaveLength(events.length);
        read.forEach((recorded, i) => {
          const sent = events[i];
          expect(recorded.id).toBe(sent.id);
          expect(recorded.stream).toBe(stream);
          expect(recorded.type).toBe(sent.type);
          expect(recorded.revision).toBe(BigInt(i));
          expect(recorded.data).toEqual(sent.data);
          expect(recorded.metadata).toEqual(sent.metadata);
          expectPosition(recorded.position);
          expectSaneDate(recorded.created, startedAt);
        });
        expectStrictlyIncreasing(read.map((e) => e.position));
      });

      it("rejects 'no_stream' on an existing stream with WrongExpectedVersion(actual = last revision) and writes nothing", async () => {
        const stream = streamName('exists');
        const existing = [newEvent('A'), newEvent('B'), newEvent('C')];
        await es().append(stream, existing, 'no_stream');

        const error = await expectWrongExpectedVersion(es().append(stream, [newEvent('D')], 'no_stream'));

        expect(error.stream).toBe(stream);
        expect(error.expected).toBe('no_stream');
        expect(error.actual).toBe(2n);
        expect(await ids(es().readStream(stream))).toEqual(existing.map((e) => e.id));
      });

      it('appends when the exact expected revision matches the last revision', async () => {
        const stream = streamName('exact');
        await es().append(stream, [newEvent('A'), newEvent('B')], 'no_stream');
        const next = [newEvent('C'), newEvent('D')];

        const result = await es().append(stream, next, 1n);

        expect(result.nextRevision).toBe(3n);
        const read = await es().readStream(stream);
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
        expect(read.slice(2).map((e) => e.id)).toEqual(next.map((e) => e.id));
      });

      it('rejects a stale exact revision with WrongExpectedVersion and writes nothing', async () => {
        const stream = streamName('stale');
        const existing = [newEvent('A'), newEvent('B')];
        await es().append(stream, existing, 'no_stream');

        const error = await expectWrongExpectedVersion(es().append(stream, [newEvent('C')], 0n));

        expect(error.stream).toBe(stream);
        expect(error.expected).toBe(0n);
        expect(error.actual).toBe(1n);
        expect(await ids(es().readStream(stream))).toEqual(existing.map((e) => e.id));
      });

      it('rejects an exact revision on a missing stream with WrongExpectedVersion(actual = -1n) and creates nothing', async () => {
        const stream = streamName('missing');

        const error = await expectWrongExpectedVersion(es().append(stream, [newEvent('A')], 0n));

        expect(error.stream).toBe(stream);
        expect(error.expected).toBe(0n);
        expect(error.actual).toBe(-1n);
        expect(await es().readStream(stream)).toEqual([]);
      });

      it("appends with 'any' to a new stream and to an existing one", async () => {
        const stream = streamName('any');
        const first = newEvent('A');
        const second = [newEvent('B'), newEvent('C')];

        expect((await es().append(stream, [first], 'any')).nextRevision).toBe(0n);
        expect((await es().append(stream, second, 'any')).nextRevision).toBe(2n);

        const read = await es().readStream(stream);
        expect(read.map((e) => e.id)).toEqual([first.id, ...second.map((e) => e.id)]);
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });

      it('makes a multi-event append atomic: a conflicting append writes none of its events', async () => {
        const stream = streamName('atomic');
        const existing = newEvent('A');
        await es().append(stream, [existing], 'no_stream');
        const conflicting = [newEvent('X'), newEvent('Y'), newEvent('Z')];

        await expectWrongExpectedVersion(es().append(stream, conflicting, 'no_stream'));
        await expectWrongExpectedVersion(es().append(stream, conflicting, 5n));

        expect(await ids(es().readStream(stream))).toEqual([existing.id]);
        const everywhere = await es().readAll({ filter: { streamNamePrefix: stream } });
        const conflictingIds = new Set(conflicting.map((e) => e.id));
        expect(everywhere.filter((e) => conflictingIds.has(e.id))).toEqual([]);
      });
    });

    describe('idempotent append', () => {
      it("treats the same event ids appended again with 'no_stream' as the same append", async () => {
        const stream = streamName('idem-new');
        const events = commandEvents('cmd-x', 2);

        const first = await es().append(stream, events, 'no_stream');
        const again = await es().append(stream, events, 'no_stream');

        expect(first.nextRevision).toBe(1n);
        expect(again.nextRevision).toBe(first.nextRevision);
        expectSamePosition(again.position, first.position);
        expect(await ids(es().readStream(stream))).toEqual(events.map((e) => e.id));
      });

      it('treats the same event ids appended again with the same exact revision as the same append', async () => {
        const stream = streamName('idem-exact');
        const before = newEvent('Before');
        await es().append(stream, [before], 'no_stream');
        const events = commandEvents('cmd-x', 3);

        const first = await es().append(stream, events, 0n);
        const again = await es().append(stream, events, 0n);

        expect(first.nextRevision).toBe(3n);
        expect(again.nextRevision).toBe(first.nextRevision);
        expectSamePosition(again.position, first.position);
        const read = await es().readStream(stream);
        expect(read.map((e) => e.id)).toEqual([before.id, ...events.map((e) => e.id)]);
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
      });
    });

    describe('readStream options', () => {
      it('reads a missing stream as an empty array, in either direction', async () => {
        const stream = streamName('never-written');

        expect(await es().readStream(stream)).toEqual([]);
        expect(await es().readStream(stream, { direction: 'backwards' })).toEqual([]);
        expect(await es().readStream(stream, { fromRevision: 3n, maxCount: 10 })).toEqual([]);
      });

      it('reads forwards from a revision, up to maxCount', async () => {
        const stream = streamName('forwards');
        const events = Array.from({ length: 5 }, (_, i) => newEvent(`E${i}`, { i }));
        await es().append(stream, events, 'no_stream');

        expect(revisions(await es().readStream(stream, { fromRevision: 2n }))).toEqual([2n, 3n, 4n]);
        expect(revisions(await es().readStream(stream, { maxCount: 2 }))).toEqual([0n, 1n]);
        expect(revisions(await es().readStream(stream, { fromRevision: 1n, maxCount: 2 }))).toEqual([1n, 2n]);
        expect(revisions(await es().readStream(stream, { direction: 'forwards', fromRevision: 4n }))).toEqual([4n]);
        expect(await es().readStream(stream, { fromRevision: 5n })).toEqual([]);
        const slice = await es().readStream(stream, { fromRevision: 1n, maxCount: 3 });
        expect(slice.map((e) => e.id)).toEqual(events.slice(1, 4).map((e) => e.id));
      });

      it('reads backwards, newest first, from a given revision and up to maxCount', async () => {
        const stream = streamName('backwards');
        const events = Array.from({ length: 5 }, (_, i) => newEvent(`E${i}`, { i }));
        await es().append(stream, events, 'no_stream');

        const all = await es().readStream(stream, { direction: 'backwards' });
        expect(all.map((e) => e.id)).toEqual([...events].reverse().map((e) => e.id));
        expect(revisions(all)).toEqual([4n, 3n, 2n, 1n, 0n]);
        expect(revisions(await es().readStream(stream, { direction: 'backwards', fromRevision: 3n }))).toEqual([
          3n,
          2n,
          1n,
          0n,
        ]);
        expect(
          revisions(await es().readStream(stream, { direction: 'backwards', fromRevision: 3n, maxCount: 2 })),
        ).toEqual([3n, 2n]);
        expect(revisions(await es().readStream(stream, { direction: 'backwards', maxCount: 1 }))).toEqual([4n]);
      });
    });

    describe('readAll', () => {
      /** a0, b0, a1, c0, b1 appended one after the other to three streams under one fresh prefix. */
      async function interleaved(): Promise<{ prefix: string; events: RecordedEvent[]; results: AppendResult[] }> {
        const prefix = `all-${randomUUID()}-`;
        const plan: [string, NewEvent][] = [
          [`${prefix}a`, newEvent('A0')],
          [`${prefix}b`, newEvent('B0')],
          [`${prefix}a`, newEvent('A1')],
          [`${prefix}c`, newEvent('C0')],
          [`${prefix}b`, newEvent('B1')],
        ];
        const results: AppendResult[] = [];
        for (const [stream, event] of plan) results.push(await es().append(stream, [event], 'any'));
        const events = await es().readAll({ filter: { streamNamePrefix: prefix } });
        expect(events.map((e) => e.id)).toEqual(plan.map(([, e]) => e.id));
        expect(events.map((e) => e.stream)).toEqual(plan.map(([s]) => s));
        return { prefix, events, results };
      }

      it('reads all streams in global order with strictly increasing positions', async () => {
        const { events } = await interleaved();
        expectStrictlyIncreasing(events.map((e) => e.position));
        expect(events.map((e) => e.revision)).toEqual([0n, 0n, 1n, 0n, 1n]);

        // Unfiltered, from just before our first event: ours appear in append order, and the whole
        // page (whatever else it holds) is in strictly increasing position order.
        const page = await es().readAll({ after: events[0].position });
        expectStrictlyIncreasing(page.map((e) => e.position));
        const ours = new Set(events.map((e) => e.id));
        expect(page.filter((e) => ours.has(e.id)).map((e) => e.id)).toEqual(events.slice(1).map((e) => e.id));
        page.forEach((e) => expect(comparePositions(e.position, events[0].position)).toBeGreaterThan(0));
      });

      it('treats `after` as exclusive', async () => {
        const { prefix, events } = await interleaved();

        const afterFirst = await es().readAll({ after: events[0].position, filter: { streamNamePrefix: prefix } });
        expect(afterFirst.map((e) => e.id)).toEqual(events.slice(1).map((e) => e.id));

        const afterThird = await es().readAll({ after: events[2].position, filter: { streamNamePrefix: prefix } });
        expect(afterThird.map((e) => e.id)).toEqual(events.slice(3).map((e) => e.id));

        const afterLast = await es().readAll({ after: events[4].position, filter: { streamNamePrefix: prefix } });
        expect(afterLast).toEqual([]);

        const fromStart = await es().readAll({ after: START, filter: { streamNamePrefix: prefix } });
        expect(fromStart.map((e) => e.id)).toEqual(events.map((e) => e.id));
      });

      it('reads at most maxCount events, and pages on with `after`', async () => {
        const { prefix, events } = await interleaved();
        const filter = { streamNamePrefix: prefix };

        const first = await es().readAll({ filter, maxCount: 2 });
        expect(first.map((e) => e.id)).toEqual(events.slice(0, 2).map((e) => e.id));
        const second = await es().readAll({ filter, maxCount: 2, after: first[1].position });
        expect(second.map((e) => e.id)).toEqual(events.slice(2, 4).map((e) => e.id));
        const third = await es().readAll({ filter, maxCount: 2, after: second[1].position });
        expect(third.map((e) => e.id)).toEqual(events.slice(4).map((e) => e.id));

        expect(await es().readAll({ maxCount: 3 })).toHaveLength(3);
      });

      it('counts what readAll forwards would return, after a position, filtered, up to a limit', async () => {
        const { prefix, events } = await interleaved();
        const filter = { streamNamePrefix: prefix };
        // After ours, outside the prefix: counted unfiltered, never under the prefix.
        await es().append(`other-${randomUUID()}`, [newEvent('Outside')], 'no_stream');

        expect(await es().countAll({ filter, limit: 100 })).toBe(5);
        expect(await es().countAll({ filter, limit: 3 })).toBe(3);
        expect(await es().countAll({ after: events[0].position, filter, limit: 100 })).toBe(4);
        expect(await es().countAll({ after: events[1].position, filter, limit: 100 })).toBe(3);
        expect(await es().countAll({ after: events[1].position, filter, limit: 2 })).toBe(2);
        expect(await es().countAll({ after: events[4].position, filter, limit: 100 })).toBe(0);
        expect(await es().countAll({ after: events[0].position, limit: 100 })).toBeGreaterThanOrEqual(5);
        const parts = [0, 1].map((index) => ({ index, count: 2 }));
        const counts = await Promise.all(parts.map((partition) => es().countAll({ filter: { ...filter, partition }, limit: 100 })));
        const read = await Promise.all(parts.map(async (partition) => (await es().readAll({ filter: { ...filter, partition } })).length));
        expect(counts).toEqual(read);
        expect(counts[0] + counts[1]).toBe(5);
      });

      it('applies the stream-name prefix filter', async () => {
        const id = randomUUID();
        const marker = await es().append(`other-${id}-marker`, [newEvent('Marker')], 'no_stream');
        const customer1 = newEvent('CustomerRegistered');
        const other = newEvent('OtherThing');
        const customers = newEvent('NotACustomerStream');
        const customer2 = newEvent('CustomerRenamed');
        await es().append(`customer-${id}`, [customer1], 'no_stream');
        await es().append(`other-${id}`, [other], 'no_stream');
        await es().append(`customers-${id}`, [customers], 'no_stream');
        await es().append(`customer-${id}-2`, [customer2], 'no_stream');

        const read = await es().readAll({ after: marker.position, filter: { streamNamePrefix: 'customer-' } });

        read.forEach((e) => expect(e.stream.startsWith('customer-')).toBe(true));
        const ids = read.map((e) => e.id);
        expect(ids).toEqual(expect.arrayContaining([customer1.id, customer2.id]));
        expect(ids.indexOf(customer1.id)).toBeLessThan(ids.indexOf(customer2.id));
        expect(ids).not.toContain(other.id);
        expect(ids).not.toContain(customers.id);
        expectStrictlyIncreasing(read.map((e) => e.position));

        const others = await es().readAll({ after: marker.position, filter: { streamNamePrefix: `other-${id}` } });
        expect(others.map((e) => e.id)).toEqual([other.id]);
      });

      it('reads one part of the streams with a partition: the parts are disjoint, cover all, and keep order', async () => {
        const prefix = `part-${randomUUID()}-`;
        // Streams ending in each hex digit, as customer streams do (their tenant id's last digit).
        const streams = [...'0123456789abcdef'].map((digit) => `${prefix}${digit}`);
        for (const stream of [...streams, ...streams]) await es().append(stream, [newEvent('Parted')], 'any');
        const filter = { streamNamePrefix: prefix };
        const all = await es().readAll({ filter });
        expect(all).toHaveLength(32);

        const parts = [0, 1, 2].map((index) => ({ index, count: 3 }));
        const read = await Promise.all(parts.map((partition) => es().readAll({ filter: { ...filter, partition } })));
        read.forEach((events, i) => {
          events.forEach((e) => expect(inPartition(e.stream, parts[i])).toBe(true));
          expectStrictlyIncreasing(events.map((e) => e.position));
          expect(events.length).toBeGreaterThan(0);
        });
        expect(read.flat().map((e) => e.id).sort()).toEqual(all.map((e) => e.id).sort());

        const page = await es().readAll({ filter: { ...filter, partition: parts[1] }, maxCount: 3, after: read[1][0].position });
        expect(page.map((e) => e.id)).toEqual(read[1].slice(1, 4).map((e) => e.id));
        const newest = await es().readAll({ filter: { ...filter, partition: parts[2] }, direction: 'backwards', maxCount: 1 });
        expect(newest.map((e) => e.id)).toEqual([read[2][read[2].length - 1].id]);
      });

      it('reads backwards, newest first; maxCount 1 returns the newest event; `after` is exclusive', async () => {
        const { prefix, events } = await interleaved();
        const filter = { streamNamePrefix: prefix };

        const newest = await es().readAll({ direction: 'backwards', maxCount: 1, filter });
        expect(newest.map((e) => e.id)).toEqual([events[4].id]);
        expectSamePosition(newest[0].position, events[4].position);

        const all = await es().readAll({ direction: 'backwards', filter });
        expect(all.map((e) => e.id)).toEqual([...events].reverse().map((e) => e.id));

        const beforeFourth = await es().readAll({ direction: 'backwards', after: events[3].position, filter });
        expect(beforeFourth.map((e) => e.id)).toEqual([events[2].id, events[1].id, events[0].id]);

        const page = await es().readAll({ direction: 'backwards', after: events[3].position, filter, maxCount: 2 });
        expect(page.map((e) => e.id)).toEqual([events[2].id, events[1].id]);
      });
    });

    describe('positions', () => {
      it('returns from append the positions readStream and readAll show for the same events', async () => {
        const prefix = `pos-${randomUUID()}-`;
        const appended: { stream: string; event: NewEvent; result: AppendResult }[] = [];
        for (const suffix of ['a', 'b', 'a', 'c', 'b', 'a']) {
          const stream = `${prefix}${suffix}`;
          const event = newEvent('Positioned');
          appended.push({ stream, event, result: await es().append(stream, [event], 'any') });
        }
        expectStrictlyIncreasing(appended.map((a) => a.result.position));

        const all = await es().readAll({ filter: { streamNamePrefix: prefix } });
        expect(all.map((e) => e.id)).toEqual(appended.map((a) => a.event.id));
        all.forEach((e, i) => expectSamePosition(e.position, appended[i].result.position));

        for (const { stream, event, result } of appended) {
          const recorded = (await es().readStream(stream)).find((e) => e.id === event.id);
          expect(recorded).toBeDefined();
          expectSamePosition(recorded!.position, result.position);
        }
      });

      it("returns as a multi-event append's position that of its last event", async () => {
        const stream = streamName('pos-multi');
        const events = [newEvent('A'), newEvent('B'), newEvent('C')];

        const result = await es().append(stream, events, 'no_stream');

        const read = await es().readStream(stream);
        expectStrictlyIncreasing(read.map((e) => e.position));
        expectSamePosition(read[read.length - 1].position, result.position);
        const all = await es().readAll({ filter: { streamNamePrefix: stream } });
        expectSamePosition(all[all.length - 1].position, result.position);
      });
    });

    describe('subscribeToAll', () => {
      const WAIT_MS = 5000;

      it('delivers existing events after a position (exclusive), then live ones, in order, filtered; close() ends it', async () => {
        const prefix = `customer-${randomUUID()}-`;
        const other = `other-${randomUUID()}`;
        const a = `${prefix}a`;
        const b = `${prefix}b`;
        const e0 = newEvent('E0');
        const e1 = newEvent('E1');
        const e2 = newEvent('E2');
        const start = await es().append(a, [e0], 'no_stream');
        await es().append(other, [newEvent('O1')], 'no_stream');
        await es().append(b, [e1], 'no_stream');
        await es().append(a, [e2], 0n);

        const subscription = es().subscribeToAll({ after: start.position, filter: { streamNamePrefix: prefix } });
        const reader = new SubscriptionReader(subscription);
        try {
          const existing = await reader.take(2, WAIT_MS, 'existing events');
          expect(existing.map((e) => e.id)).toEqual([e1.id, e2.id]);

          const e3 = newEvent('E3');
          const e4 = newEvent('E4');
          await es().append(other, [newEvent('O2')], 0n);
          await es().append(b, [e3], 0n);
          await es().append(other, [newEvent('O3')], 1n);
          const last = await es().append(a, [e4], 1n);

          const live = await reader.take(2, WAIT_MS, 'live events');
          expect(live.map((e) => e.id)).toEqual([e3.id, e4.id]);

          const delivered = [...existing, ...live];
          delivered.forEach((e) => expect(e.stream.startsWith(prefix)).toBe(true));
          expect(delivered.map((e) => e.stream)).toEqual([b, a, b, a]);
          expect(delivered.map((e) => e.revision)).toEqual([0n, 1n, 1n, 2n]);
          expectStrictlyIncreasing([start.position, ...delivered.map((e) => e.position)]);
          expectSamePosition(delivered[3].position, last.position);

          await withTimeout(subscription.close(), WAIT_MS, 'close()');
          await reader.expectEnd(WAIT_MS);
        } finally {
          await subscription.close();
        }
      });

      it('delivers from the beginning when no position is given', async () => {
        const prefix = `sub-start-${randomUUID()}-`;
        const events = [newEvent('A'), newEvent('B')];
        await es().append(`${prefix}x`, [events[0]], 'no_stream');
        await es().append(`${prefix}y`, [events[1]], 'no_stream');

        const subscription = es().subscribeToAll({ filter: { streamNamePrefix: prefix } });
        const reader = new SubscriptionReader(subscription);
        try {
          const delivered = await reader.take(2, WAIT_MS, 'existing events from the start');
          expect(delivered.map((e) => e.id)).toEqual(events.map((e) => e.id));
        } finally {
          await subscription.close();
        }
      });

      it('close() ends a for-await loop that is waiting for live events', async () => {
        const prefix = `sub-close-${randomUUID()}-`;
        const first = newEvent('First');
        await es().append(`${prefix}x`, [first], 'no_stream');
        const subscription = es().subscribeToAll({ filter: { streamNamePrefix: prefix } });
        const received: RecordedEvent[] = [];
        let caughtUp!: () => void;
        const gotFirst = new Promise<void>((resolve) => (caughtUp = resolve));

        const consumer = (async () => {
          for await (const event of subscription) {
            received.push(event);
            caughtUp();
            // Yield to the event loop so that the timeouts below can fire even if a broken
            // subscription delivers without ever waiting.
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        try {
          await withTimeout(gotFirst, WAIT_MS, 'the first event');
          // Let the loop go back to waiting for the next (live) event before closing.
          await sleep(100);
          await withTimeout(subscription.close(), WAIT_MS, 'close()');
          await withTimeout(consumer, WAIT_MS, 'the for-await loop to end after close()');
          expect(received.map((e) => e.id)).toEqual([first.id]);
        } finally {
          await subscription.close();
        }
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of 20 concurrent appends with the same expected revision win', async () => {
        const stream = streamName('race');
        await es().append(stream, [newEvent('Created')], 'no_stream');
        const contenders = Array.from({ length: 20 }, (_, i) => newEvent('Contender', { i }));

        const outcomes = await Promise.allSettled(contenders.map((e) => es().append(stream, [e], 0n)));

        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [{ i, result: o.value }] : []));
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        lost.forEach((reason) => expect(reason).toBeInstanceOf(WrongExpectedVersion));
        lost.forEach((reason) => expect((reason as WrongExpectedVersion).stream).toBe(stream));
        expect(won[0].result.nextRevision).toBe(1n);

        const read = await es().readStream(stream);
        expect(revisions(read)).toEqual([0n, 1n]);
        expect(read[1].id).toBe(contenders[won[0].i].id);
        expectSamePosition(read[1].position, won[0].result.position);
      });

      it("lets 50 concurrent 'no_stream' appends to 50 different streams all succeed at distinct positions", async () => {
        const prefix = `fanout-${randomUUID()}-`;
        const plan = Array.from({ length: 50 }, (_, i) => ({ stream: `${prefix}${i}`, event: newEvent('Fanned', { i }) }));

        const results = await Promise.all(plan.map(({ stream, event }) => es().append(stream, [event], 'no_stream')));

        results.forEach((r) => expect(r.nextRevision).toBe(0n));
        expect(new Set(results.map((r) => formatPosition(r.position))).size).toBe(50);

        const all = await es().readAll({ filter: { streamNamePrefix: prefix } });
        expect(all).toHaveLength(50);
        expectStrictlyIncreasing(all.map((e) => e.position));
        expect(new Set(all.map((e) => e.id))).toEqual(new Set(plan.map((p) => p.event.id)));
        for (const [i, { stream, event }] of plan.entries()) {
          const read = await es().readStream(stream);
          expect(read.map((e) => e.id)).toEqual([event.id]);
          expect(read[0].revision).toBe(0n);
          expectSamePosition(read[0].position, results[i].position);
        }
      });
    });

    describe('bigint safety', () => {
      it('returns revisions and positions as bigints', async () => {
        const stream = streamName('bigint');
        const result = await es().append(stream, [newEvent('A'), newEvent('B')], 'no_stream');

        expect(typeof result.nextRevision).toBe('bigint');
        expectPosition(result.position);
        const read = await es().readStream(stream);
        read.forEach((e) => {
          expect(typeof e.revision).toBe('bigint');
          expectPosition(e.position);
        });
        const all = await es().readAll({ filter: { streamNamePrefix: stream } });
        all.forEach((e) => {
          expect(typeof e.revision).toBe('bigint');
          expectPosition(e.position);
        });
        const next = await es().append(stream, [newEvent('C')], result.nextRevision);
        expect(next.nextRevision).toBe(result.nextRevision + 1n);
      });

      it('compares expected revisions as bigints, beyond the safe-integer range too', async () => {
        const huge = 2n ** 53n + 1n; // not representable as a JavaScript number
        const missing = streamName('bigint-missing');
        const onMissing = await expectWrongExpectedVersion(es().append(missing, [newEvent('A')], huge));
        expect(onMissing.expected).toBe(huge);
        expect(typeof onMissing.actual).toBe('bigint');
        expect(onMissing.actual).toBe(-1n);
        expect(await es().readStream(missing)).toEqual([]);

        const existing = streamName('bigint-existing');
        await es().append(existing, [newEvent('A')], 'no_stream');
        const onExisting = await expectWrongExpectedVersion(es().append(existing, [newEvent('B')], huge));
        expect(onExisting.expected).toBe(huge);
        expect(onExisting.actual).toBe(0n);
        expect(revisions(await es().readStream(existing))).toEqual([0n]);
        expect(await es().readStream(existing, { fromRevision: huge })).toEqual([]);
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers (port-only).

function streamName(kind: string): string {
  return `contract-${kind}-${randomUUID()}`;
}

function newEvent(type: string, data: unknown = { at: type }, metadata: unknown = { source: 'contract' }): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

/** The events of one command, with the deterministic ids a retried command would carry again. */
function commandEvents(commandId: string, count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: eventIdFor(commandId, i),
    type: `Step${i}`,
    data: { step: i, name: 'étape ✓' },
    metadata: { commandId },
  }));
}

async function ids(read: Promise<RecordedEvent[]>): Promise<string[]> {
  return (await read).map((e) => e.id);
}

function revisions(events: RecordedEvent[]): bigint[] {
  return events.map((e) => e.revision);
}

async function expectWrongExpectedVersion(append: Promise<unknown>): Promise<WrongExpectedVersion> {
  let outcome: unknown;
  try {
    outcome = await append;
  } catch (error) {
    expect(error).toBeInstanceOf(WrongExpectedVersion);
    return error as WrongExpectedVersion;
  }
  throw new Error(`Expected WrongExpectedVersion, but the append succeeded: ${describeValue(outcome)}`);
}

function describeValue(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

function expectPosition(position: Position): void {
  expect(typeof position.commit).toBe('bigint');
  expect(typeof position.prepare).toBe('bigint');
  expect(comparePositions(position, START)).toBeGreaterThan(0);
}

function expectSamePosition(actual: Position, expected: Position): void {
  if (comparePositions(actual, expected) !== 0) {
    throw new Error(`Expected position ${formatPosition(expected)}, got ${formatPosition(actual)}.`);
  }
}

function expectStrictlyIncreasing(positions: Position[]): void {
  for (let i = 1; i < positions.length; i++) {
    if (comparePositions(positions[i - 1], positions[i]) >= 0) {
      throw new Error(
        `Positions are not strictly increasing at index ${i}: ${positions.map(formatPosition).join(', ')}`,
      );
    }
  }
}

/** A valid date from the store's clock: near now, which catches unit mix-ups (seconds, ticks). */
function expectSaneDate(created: Date, startedAt: number): void {
  expect(created).toBeInstanceOf(Date);
  expect(Number.isNaN(created.getTime())).toBe(false);
  const day = 24 * 60 * 60 * 1000;
  expect(Math.abs(created.getTime() - startedAt)).toBeLessThan(day);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pulls from one iterator of a subscription, every wait bounded so a broken adapter fails, not hangs. */
class SubscriptionReader {
  private readonly iterator: AsyncIterator<RecordedEvent>;

  constructor(subscription: Subscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  async take(count: number, ms: number, what: string): Promise<RecordedEvent[]> {
    const deadline = Date.now() + ms;
    const events: RecordedEvent[] = [];
    while (events.length < count) {
      const remaining = Math.max(1, deadline - Date.now());
      const next = await withTimeout(
        this.iterator.next(),
        remaining,
        `${what} (${events.length} of ${count} received: ${events.map((e) => e.type).join(', ') || 'none'})`,
      );
      if (next.done) throw new Error(`The subscription ended after ${events.length} of ${count} ${what}.`);
      events.push(next.value);
    }
    return events;
  }

  async expectEnd(ms: number): Promise<void> {
    const next = await withTimeout(this.iterator.next(), ms, 'the subscription to end after close()');
    if (!next.done) throw new Error(`The subscription delivered ${next.value.type} after close().`);
  }
}
