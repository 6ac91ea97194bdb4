import { randomUUID } from 'node:crypto';
import { LeaseStore } from '@app/read-side';
import { storePerTest } from './store-per-test';

/** The projector-lease contract, run on every adapter through the port alone. */
export function leaseStoreContract(name: string, open: () => Promise<LeaseStore>): void {
  describe(`LeaseStore contract: ${name}`, () => {
    const leases = storePerTest(open, (store) => store.close());
    const lease = () => `projection-${randomUUID()}`;


    it('grants a free lease and lets its owner renew it', async () => {
      const name = lease();
      expect(await leases().acquire(name, 'a', 10_000)).toBe(true);
      expect(await leases().acquire(name, 'a', 10_000)).toBe(true);
    });

    it('refuses a live lease to another owner', async () => {
      const name = lease();
      await leases().acquire(name, 'a', 10_000);
      expect(await leases().acquire(name, 'b', 10_000)).toBe(false);
    });

    it('hands an expired lease to another owner, after which the old owner cannot renew', async () => {
      const name = lease();
      await leases().acquire(name, 'a', 50);
      await new Promise((r) => setTimeout(r, 120));
      expect(await leases().acquire(name, 'b', 10_000)).toBe(true);
      expect(await leases().acquire(name, 'a', 10_000)).toBe(false);
    });

    it('frees a released lease at once, and ignores a release by someone else', async () => {
      const name = lease();
      await leases().acquire(name, 'a', 10_000);
      await leases().release(name, 'b');
      expect(await leases().acquire(name, 'b', 10_000)).toBe(false);
      await leases().release(name, 'a');
      expect(await leases().acquire(name, 'b', 10_000)).toBe(true);
    });

    it('lets exactly one of many concurrent claimants win', async () => {
      const name = lease();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => leases().acquire(name, `owner-${i}`, 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
