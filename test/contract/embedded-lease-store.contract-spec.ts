import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLeaseStore } from '@app/read-side';
import { leaseStoreContract } from './lease-store.contract';

const dir = mkdtempSync(join(tmpdir(), 'lease-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Several instances on one file, as projector processes on one machine would have.
leaseStoreContract('embedded (SQLite)', async () => new SqliteLeaseStore(join(dir, 'views.sqlite')));

describe('LeaseStore: embedded (SQLite) only', () => {
  it("takes over at once a lease whose holder process on this machine has died", async () => {
    const leases = new SqliteLeaseStore(join(dir, 'views.sqlite'));
    // A pid far above any live one stands for a process that was killed.
    const dead = `${hostname()}:4194303:gone`;
    expect(await leases.acquire('takeover', dead, 60_000)).toBe(true);
    expect(await leases.acquire('takeover', `${hostname()}:${process.pid}:me`, 60_000)).toBe(true);
    expect(await leases.acquire('takeover', dead, 60_000)).toBe(false);
    await leases.close();
  });

  it('waits for expiry when the holder is alive', async () => {
    const leases = new SqliteLeaseStore(join(dir, 'views.sqlite'));
    expect(await leases.acquire('alive', `${hostname()}:${process.pid}:first`, 60_000)).toBe(true);
    expect(await leases.acquire('alive', `${hostname()}:${process.pid}:second`, 60_000)).toBe(false);
    await leases.close();
  });
});
