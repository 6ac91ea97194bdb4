import { randomUUID } from 'node:crypto';
import { IdempotencyStore, Retention } from '../../apps/api/src/idempotency/idempotency-store';
import { MovableClock } from '../support/movable-clock';
import { storePerTest } from './store-per-test';

const HOUR = 3_600_000;

/**
 * The idempotency-store port contract, run against every adapter. It speaks only through the port,
 * and every test uses partners and keys of its own, so one shared store would do.
 */
export function idempotencyStoreContract(
  name: string,
  open: (retention: Retention) => Promise<IdempotencyStore>,
  teardown: (store: IdempotencyStore) => Promise<void> = (store) => store.close(),
): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    let clock: MovableClock;
    const ids = storePerTest(() => {
      clock = new MovableClock();
      return open({ clock, hours: 1 });
    }, teardown);

    it('finds nothing under an unknown key', async () => {
      expect(await ids().find(partner(), randomUUID())).toBeNull();
    });

    it('grants a claim once: the first reserve wins, any later one loses, whatever its request', async () => {
      const partnerId = partner();
      const key = randomUUID();

      expect(await ids().reserve(partnerId, key, 'hash-a')).toBe(true);
      expect(await ids().reserve(partnerId, key, 'hash-a')).toBe(false);
      expect(await ids().reserve(partnerId, key, 'hash-b')).toBe(false);
    });

    it('shows a pending claim as its request hash without a response', async () => {
      const partnerId = partner();
      const key = randomUUID();
      await ids().reserve(partnerId, key, 'sha256:1f2e3d');
      await ids().reserve(partnerId, key, 'sha256:other');

      const record = await ids().find(partnerId, key);

      expect(record).toEqual({ requestHash: 'sha256:1f2e3d' });
      expect(record).not.toHaveProperty('response');
    });

    it('returns the recorded response once completed, intact', async () => {
      const partnerId = partner();
      const key = randomUUID();
      const response = {
        status: 201,
        headers: { etag: 'W/"3"', location: `/customers/${randomUUID()}` },
        body: { id: randomUUID(), revision: '3', position: '000000000042-000000000042', name: 'Zoë Ångström — 東京 🚀', tags: [], nested: { ok: true, none: null, n: 1.5 } },
      };
      await ids().reserve(partnerId, key, 'hash');

      await ids().complete(partnerId, key, 'hash', response);

      expect(await ids().find(partnerId, key)).toStrictEqual({ requestHash: 'hash', response });
      expect(await ids().reserve(partnerId, key, 'hash')).toBe(false);
    });

    it('records responses that are not objects', async () => {
      const partnerId = partner();
      for (const response of ['text', 0, false, null, [1, 'two']]) {
        const key = randomUUID();
        await ids().reserve(partnerId, key, 'hash');
        await ids().complete(partnerId, key, 'hash', response);
        expect(await ids().find(partnerId, key)).toStrictEqual({ requestHash: 'hash', response });
      }
    });

    it('release gives up a pending claim: the key is free again', async () => {
      const partnerId = partner();
      const key = randomUUID();
      await ids().reserve(partnerId, key, 'first');

      await ids().release(partnerId, key);

      expect(await ids().find(partnerId, key)).toBeNull();
      expect(await ids().reserve(partnerId, key, 'second')).toBe(true);
      expect(await ids().find(partnerId, key)).toEqual({ requestHash: 'second' });
    });

    it('release keeps a completed record', async () => {
      const partnerId = partner();
      const key = randomUUID();
      await ids().reserve(partnerId, key, 'hash');
      await ids().complete(partnerId, key, 'hash', { id: 'c-1' });

      await ids().release(partnerId, key);

      expect(await ids().find(partnerId, key)).toStrictEqual({ requestHash: 'hash', response: { id: 'c-1' } });
      expect(await ids().reserve(partnerId, key, 'hash')).toBe(false);
    });

    it('release of an unknown key does nothing', async () => {
      const partnerId = partner();
      await expect(ids().release(partnerId, randomUUID())).resolves.toBeUndefined();
    });

    it('scopes keys per partner', async () => {
      const contoso = partner();
      const fabrikam = partner();
      const key = randomUUID();

      expect(await ids().reserve(contoso, key, 'contoso-request')).toBe(true);
      expect(await ids().find(fabrikam, key)).toBeNull();
      expect(await ids().reserve(fabrikam, key, 'fabrikam-request')).toBe(true);

      await ids().complete(contoso, key, 'contoso-request', { by: 'contoso' });
      expect(await ids().find(fabrikam, key)).toEqual({ requestHash: 'fabrikam-request' });

      await ids().release(fabrikam, key);
      expect(await ids().find(fabrikam, key)).toBeNull();
      expect(await ids().find(contoso, key)).toStrictEqual({ requestHash: 'contoso-request', response: { by: 'contoso' } });
    });

    it('treats keys exactly: no case folding, no trimming', async () => {
      const partnerId = partner();
      const key = `Key-${randomUUID()}`;
      await ids().reserve(partnerId, key, 'hash');

      expect(await ids().find(partnerId, key.toLowerCase())).toBeNull();
      expect(await ids().find(partnerId, ` ${key}`)).toBeNull();
      expect(await ids().reserve(partnerId, key.toUpperCase(), 'other')).toBe(true);
    });

    it('lets one of many concurrent claims on a key win', async () => {
      const partnerId = partner();
      const key = randomUUID();

      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => ids().reserve(partnerId, key, `hash-${i}`)));

      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = outcomes.indexOf(true);
      expect(await ids().find(partnerId, key)).toEqual({ requestHash: `hash-${winner}` });
    });
    it('keeps a record for the retention: until then it answers, and its key stays taken', async () => {
      const partnerId = partner();
      const key = randomUUID();
      await ids().reserve(partnerId, key, 'hash');
      await ids().complete(partnerId, key, 'hash', { id: 'c-1' });

      clock.advance(HOUR - 1_000);

      expect(await ids().find(partnerId, key)).toStrictEqual({ requestHash: 'hash', response: { id: 'c-1' } });
      expect(await ids().reserve(partnerId, key, 'other')).toBe(false);
    });

    it('treats a record past the retention as absent, deleted or not: its key is a new request', async () => {
      const partnerId = partner();
      const done = randomUUID();
      const pending = randomUUID();
      await ids().reserve(partnerId, done, 'old');
      await ids().complete(partnerId, done, 'old', { id: 'c-1' });
      await ids().reserve(partnerId, pending, 'old');

      clock.advance(HOUR);

      expect(await ids().find(partnerId, done)).toBeNull();
      expect(await ids().find(partnerId, pending)).toBeNull();
      expect(await ids().reserve(partnerId, done, 'new')).toBe(true);
      expect(await ids().reserve(partnerId, done, 'new')).toBe(false);
      expect(await ids().find(partnerId, done)).toEqual({ requestHash: 'new' });
      await ids().complete(partnerId, done, 'new', { id: 'c-2' });
      expect(await ids().find(partnerId, done)).toStrictEqual({ requestHash: 'new', response: { id: 'c-2' } });
      // The same request hash starts again too: what counts is the age, not the request.
      expect(await ids().reserve(partnerId, pending, 'old')).toBe(true);
    });

    it('lets one of many concurrent claims on an expired key win', async () => {
      const partnerId = partner();
      const key = randomUUID();
      await ids().reserve(partnerId, key, 'old');
      clock.advance(HOUR + 1);

      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => ids().reserve(partnerId, key, `hash-${i}`)));

      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(await ids().find(partnerId, key)).toEqual({ requestHash: `hash-${outcomes.indexOf(true)}` });
    });

    it('records a completion whose claim was released meanwhile, unless the key now belongs to another request', async () => {
      const partnerId = `partner-${randomUUID()}`;
      const key = `key-${randomUUID()}`;
      await ids().complete(partnerId, key, 'hash-a', { by: 'a' });
      expect(await ids().find(partnerId, key)).toEqual({ requestHash: 'hash-a', response: { by: 'a' } });
      const other = `key-${randomUUID()}`;
      await ids().reserve(partnerId, other, 'hash-c');
      await ids().complete(partnerId, other, 'hash-a', { by: 'a' });
      expect(await ids().find(partnerId, other)).toEqual({ requestHash: 'hash-c' });
    });
  });
}

const partner = () => `partner-${randomUUID()}`;
