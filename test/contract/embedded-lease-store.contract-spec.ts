import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLeaseStore } from '@app/read-side';
import { leaseStoreContract } from './lease-store.contract';

const dir = mkdtempSync(join(tmpdir(), 'lease-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Several instances on one file, as projector processes on one machine would have.
leaseStoreContract('embedded (SQLite)', async () => new SqliteLeaseStore(join(dir, 'views.sqlite')));
