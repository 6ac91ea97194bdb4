import { EventMetadata } from '@app/domain';
import { eventIdFor, EventStore, SqliteEventStore } from '@app/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FoldedStreams } from './folded-streams';

const TENANT = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const STREAM = `customer-p1-${TENANT}`;

function metadata(commandId: string): EventMetadata {
  return { commandId, correlationId: commandId, causationId: commandId, actor: { sub: 's', partnerId: 'p1', roles: ['admin-agent'] }, occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 };
}

describe('FoldedStreams', () => {
  let dir: string;
  let store: EventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'folded-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const establish = () =>
    store.append(
      STREAM,
      [{ id: eventIdFor('c1', 0), type: 'CustomerRelationshipEstablished', data: { tenantId: TENANT, partnerId: 'p1', companyName: 'A', domain: 'a.example.com' }, metadata: metadata('c1') }],
      'no_stream',
    );
  const rename = (commandId: string, name: string, expected: bigint) =>
    store.append(STREAM, [{ id: eventIdFor(commandId, 0), type: 'CustomerRenamed', data: { previousName: '?', companyName: name }, metadata: metadata(commandId) }], expected);

  it('folds a missing stream as the initial state', async () => {
    const folded = await new FoldedStreams(store).current(STREAM);
    expect(folded).toMatchObject({ state: { exists: false }, revision: -1n, position: null });
  });

  it('catches up with what another process appended since it last looked', async () => {
    const streams = new FoldedStreams(store);
    await establish();
    expect((await streams.current(STREAM)).state).toMatchObject({ exists: true, friendlyName: 'A' });
    // Written behind this cache's back, as another API instance would.
    const renamed = await rename('c2', 'B', 0n);
    const folded = await streams.current(STREAM);
    expect(folded).toMatchObject({ state: { friendlyName: 'B', originalName: 'A' }, revision: 1n, position: renamed.position });
    expect(folded.commands.get('c2')).toEqual({ revision: 1n, position: renamed.position });
  });

  it('takes what this process appended without reading it back, and forgets the least recently used', async () => {
    const streams = new FoldedStreams(store, 1);
    await establish();
    const before = await streams.current(STREAM);
    const outcome = await rename('c3', 'C', 0n);
    streams.appended(STREAM, before, [{ type: 'CustomerRenamed', data: { previousName: 'A', companyName: 'C' } }], 'c3', { revision: outcome.nextRevision, position: outcome.position });
    expect((await streams.current(STREAM)).state).toMatchObject({ friendlyName: 'C' });
    await streams.current('customer-p1-00000000-0000-4000-8000-000000000000');
    // Evicted: folded again from the store, with the same result.
    expect((await streams.current(STREAM)).commands.get('c3')).toEqual({ revision: 1n, position: outcome.position });
  });

  describe('with a store that vouches for where a stream ends', () => {
    const counting = () => {
      const reads: string[] = [];
      const reader = { ...store, readStream: (stream: string, options?: object) => (reads.push(stream), store.readStream(stream, options)) };
      return { reads, streams: new FoldedStreams(reader as EventStore, 10, store) };
    };

    it('skips the catch-up read while only this instance appended', async () => {
      const { reads, streams } = counting();
      await establish();
      const before = await streams.current(STREAM);
      expect(reads).toHaveLength(1);
      const outcome = await rename('c4', 'D', 0n);
      streams.appended(STREAM, before, [{ type: 'CustomerRenamed', data: { previousName: 'A', companyName: 'D' } }], 'c4', { revision: outcome.nextRevision, position: outcome.position });
      expect((await streams.current(STREAM)).state).toMatchObject({ friendlyName: 'D' });
      expect((await streams.current(STREAM)).revision).toBe(1n);
      expect(reads).toHaveLength(1);
    });

    it('reads again after an append through the same store that did not come through the cache', async () => {
      const { reads, streams } = counting();
      await establish();
      await streams.current(STREAM);
      // The same store instance, but not via this cache (another writer in the process).
      await rename('c6', 'F', 0n);
      expect(await streams.current(STREAM)).toMatchObject({ state: { friendlyName: 'F' }, revision: 1n });
      expect(reads).toHaveLength(2);
    });

    it('reads again once another connection to the file (another process) has appended', async () => {
      const { reads, streams } = counting();
      await establish();
      await streams.current(STREAM);
      const other = new SqliteEventStore(join(dir, 'events.sqlite'));
      try {
        const renamed = await other.append(STREAM, [{ id: eventIdFor('c5', 0), type: 'CustomerRenamed', data: { previousName: 'A', companyName: 'E' }, metadata: metadata('c5') }], 0n);
        const folded = await streams.current(STREAM);
        expect(folded).toMatchObject({ state: { friendlyName: 'E' }, revision: 1n, position: renamed.position });
        expect(reads).toHaveLength(2);
      } finally {
        await other.close();
      }
    });
  });
});
