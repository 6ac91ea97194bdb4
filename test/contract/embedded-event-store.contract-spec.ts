import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { comparePositions, EventStore, NewEvent, SqliteEventStore } from '@app/event-store';
import { eventStoreContract } from './event-store.contract';
import { onTempFiles } from '../support/temp-files';

const files = onTempFiles<EventStore>('event-store-contract', 'events.sqlite', (file) => new SqliteEventStore(file, { pollIntervalMs: 250 }));
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
      const first = new SqliteEventStore(file, { pollIntervalMs: 250 });
      const firstResult = await first.append(stream, written, 'no_stream');
      const otherResult = await first.append(otherStream, [other], 'no_stream');
      const before = await first.readAll();
      await first.close();

      const second = new SqliteEventStore(file, { pollIntervalMs: 250 });
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

  describe('opened for reading only (as a rebuild part opens the log)', () => {
    const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: {} });
    /** This process's threads: a checkpoint thread is one more. */
    const threads = () => fs.readdirSync('/proc/self/task').length;
    /** This process's open files: a connection left open is one more. */
    const openFiles = () => fs.readdirSync('/proc/self/fd').length;

    it('reads what a writer appended, before and after it opened, and refuses to append', async () => {
      const dir = tempDir();
      const file = path.join(dir, 'events.sqlite');
      const writer = new SqliteEventStore(file);
      try {
        await writer.append('s-1', [event('First')], 'no_stream');
        const reader = new SqliteEventStore(file, { readOnly: true });
        try {
          await writer.append('s-1', [event('Second')], 0n);
          expect((await reader.readStream('s-1')).map((e) => e.type)).toEqual(['First', 'Second']);
          await expect(reader.append('s-2', [event('Third')], 'no_stream')).rejects.toThrow('The event store was opened for reading only.');
          expect((await writer.readAll()).map((e) => e.type)).toEqual(['First', 'Second']);
        } finally {
          await reader.close();
        }
      } finally {
        await writer.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    // Threads are counted where Linux lists them; CI runs there.
    (fs.existsSync('/proc/self/task') ? it : it.skip)('starts no checkpoint thread, where a store that appends starts one', async () => {
      const dir = tempDir();
      const file = path.join(dir, 'events.sqlite');
      try {
        // Made and closed first: the thread ends with the last file it holds.
        await new SqliteEventStore(file).close();
        const before = threads();
        const reader = new SqliteEventStore(file, { readOnly: true });
        const withReader = threads();
        const writer = new SqliteEventStore(file);
        const withWriter = threads();
        await writer.close();
        await reader.close();
        expect(withReader).toBe(before);
        expect(withWriter).toBeGreaterThan(withReader);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    // Open files are counted where Linux lists them; CI runs there.
    (fs.existsSync('/proc/self/fd') ? it : it.skip)('closes a file that is not a log instead of holding it open', () => {
      const dir = tempDir();
      const file = path.join(dir, 'other.sqlite');
      try {
        const other = new Database(file);
        other.exec('CREATE TABLE something_else (id INTEGER PRIMARY KEY)');
        other.close();
        const before = openFiles();
        expect(() => new SqliteEventStore(file, { readOnly: true })).toThrow(/no such table: events/);
        expect(openFiles()).toBe(before);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('never creates a log that is not there', () => {
      const dir = tempDir();
      const file = path.join(dir, 'events.sqlite');
      try {
        expect(() => new SqliteEventStore(file, { readOnly: true })).toThrow(/unable to open database file/);
        expect(fs.existsSync(file)).toBe(false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
