import type { ThrottlerStorage } from '@nestjs/throttler';
import { randomUUID } from 'node:crypto';
import { MovableClock } from '../support/movable-clock';

const MINUTE = 60_000;

/**
 * What the rate limits need of a storage, run against every one: fixed windows of `ttl` aligned
 * on the epoch, blocked past the limit until the window ends. `open` gives a storage on `clock`
 * (the same one each time it is called in a test, as for several processes).
 */
export function throttlerStorageContract(name: string, open: (clock: MovableClock) => Promise<{ storage: (clock: MovableClock) => ThrottlerStorage; close(): Promise<void> }>): void {
  describe(`ThrottlerStorage contract: ${name}`, () => {
    let clock: MovableClock;
    let storage: ThrottlerStorage;
    let close: () => Promise<void>;

    beforeEach(async () => {
      // Standing at the start of a one-minute window, so a test knows how much of it is left.
      clock = new MovableClock(Math.floor(Date.now() / MINUTE) * MINUTE);
      const opened = await open(clock);
      storage = opened.storage(clock);
      close = () => opened.close();
    });
    afterEach(() => close());

    const hit = (key: string, limit = 3) => storage.increment(key, MINUTE, limit, MINUTE, 'partner');

    it('counts the hits of a window and blocks past the limit until the window ends', async () => {
      const key = `partner:${randomUUID()}`;
      expect(await hit(key)).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
      clock.advance(20_000);
      expect(await hit(key)).toMatchObject({ totalHits: 2, isBlocked: false, timeToExpire: 40 });
      expect(await hit(key)).toMatchObject({ totalHits: 3, isBlocked: false });
      clock.advance(15_500);
      expect(await hit(key)).toEqual({ totalHits: 4, timeToExpire: 25, isBlocked: true, timeToBlockExpire: 25 });
    });

    it('starts each window from zero', async () => {
      const key = `partner:${randomUUID()}`;
      for (let i = 0; i < 5; i++) await hit(key);
      clock.advance(MINUTE);
      expect(await hit(key)).toMatchObject({ totalHits: 1, isBlocked: false });
    });

    it('counts keys apart', async () => {
      const a = `partner:${randomUUID()}`;
      const b = `address:${randomUUID()}`;
      for (let i = 0; i < 4; i++) await hit(a);
      expect(await hit(b)).toMatchObject({ totalHits: 1, isBlocked: false });
    });

    it('answers a Retry-After of at least one second, even at the very end of a window', async () => {
      const key = `partner:${randomUUID()}`;
      clock.advance(MINUTE - 300);
      expect(await hit(key, 0)).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    });
  });
}
