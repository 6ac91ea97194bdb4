import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { comparePositions, EventStore, NewEvent, SqliteEventStore } from '@app/event-store';
import { eventStoreContract } from './event-store.contract';
import { onTempFiles } from '../support/temp-files';

const files = onTempFiles<EventStore>('event-store-contract', 'events.sqlite', (file) => new SqliteEventStore(file, 250));
const tempDir = files.tempDir;

eventStoreContract('embedded (SQLite)', files.open, files.teardown);

describe('EventStore: embedded (SQLite) only', () => {
  it('reads back, from a new instance on the same file, what an earlier instance acknowledged before closing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'events.sqlite');
    const event = (type: string, data: unknown): NewEvent => ({ id: randomUUID(), type, data, metadata: { t: type } });
    const stream = `durable-${randomUUID()}`;
    const otherStream = `durable-other-${randomUUID()}`;
    const written = [event('Opened', { name: 'Zoë 🚀' }), event('Renamed', { name: 'Ålesund' })];
    const other = event('Elsewhere', { nested: { ok: true } });
    try {
      const first = new SqliteEventStore(file, 250);
      const firstResult = await first.append(stream, written, 'no_stream');
      const otherResult = await first.append(otherStream, [other], 'no_stream');
      const before = await first.readAll();
      await first.close();

      const second = new SqliteEventStore(file, 250);
      try {
        const read = await second.readStream(stream);
        expect(read.map((e) => e.id)).toEqual(written.map((e) => e.id));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n]);
        expect(read.map((e) => e.data)).toEqual(written.map((e) => e.data));
        expect(comparePositions(read[1].position, firstResult.position)).toBe(0);
        expect(await second.readAll()).toEqual(before);

        // The reopened store carries on from where the first left off.
        const more = await second.append(stream, [event('Closed', {})], firstResult.nextRevision);
        expect(more.nextRevision).toBe(2n);
        expect(comparePositions(more.position, otherResult.position)).toBeGreaterThan(0);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
