import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { IdempotencyStore } from '../../apps/api/src/idempotency/idempotency-store';
import { SqliteIdempotencyStore } from '../../apps/api/src/idempotency/sqlite-idempotency-store';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { onTempFiles } from '../support/temp-files';

const files = onTempFiles<IdempotencyStore>('idempotency-contract', 'idempotency.sqlite', (file) => new SqliteIdempotencyStore(file));
const tempDir = files.tempDir;

idempotencyStoreContract('embedded (SQLite)', files.open, files.teardown);

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
});
