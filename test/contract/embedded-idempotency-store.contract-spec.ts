import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { IdempotencyStore, Retention } from '../../apps/api/src/idempotency/idempotency-store';
import { SqliteIdempotencyStore } from '../../apps/api/src/idempotency/sqlite-idempotency-store';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { MovableClock } from '../support/movable-clock';
import { onTempFiles } from '../support/temp-files';

const files = onTempFiles('idempotency-contract', 'idempotency.sqlite', (file, retention: Retention) => new SqliteIdempotencyStore(file, retention));
const tempDir = files.tempDir;

idempotencyStoreContract('embedded (SQLite)', files.open, (store) => files.teardown(store as SqliteIdempotencyStore));

describe('IdempotencyStore: embedded (SQLite) only', () => {
  it('keeps claims and responses across reopening the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'idempotency.sqlite');
    const partnerId = `partner-${randomUUID()}`;
    const done = randomUUID();
    const pending = randomUUID();
    try {
      const first = new SqliteIdempotencyStore(file);
      await first.reserve(partnerId, done, 'hash-done');
      await first.complete(partnerId, done, 'hash-done', { id: 'c-1', revision: '0', name: 'Zoë 🚀' });
      await first.reserve(partnerId, pending, 'hash-pending');
      await first.close();

      const second = new SqliteIdempotencyStore(file);
      try {
        expect(await second.find(partnerId, done)).toStrictEqual({ requestHash: 'hash-done', response: { id: 'c-1', revision: '0', name: 'Zoë 🚀' } });
        expect(await second.find(partnerId, pending)).toEqual({ requestHash: 'hash-pending' });
        expect(await second.reserve(partnerId, done, 'hash-done')).toBe(false);
        expect(await second.reserve(partnerId, pending, 'hash-pending')).toBe(false);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes expired records in its sweep, and only those', async () => {
    const clock = new MovableClock();
    const store = await files.open({ clock, hours: 1 });
    const partnerId = `partner-${randomUUID()}`;
    try {
      for (let i = 0; i < 2_500; i++) await store.reserve(partnerId, `old-${i}`, 'hash');
      clock.advance(30 * 60_000);
      await store.reserve(partnerId, 'young', 'hash');
      clock.advance(30 * 60_000);

      expect(await store.deleteExpired()).toBe(2_500);
      expect(await store.deleteExpired()).toBe(0);
      expect(await store.find(partnerId, 'young')).toEqual({ requestHash: 'hash' });
      clock.advance(-60 * 60_000);
      // Deleted, not merely hidden: even a clock set back finds nothing.
      expect(await store.find(partnerId, 'old-0')).toBeNull();
    } finally {
      await files.teardown(store);
    }
  });
});
