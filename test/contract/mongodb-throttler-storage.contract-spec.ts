import { randomUUID } from 'node:crypto';
import { MongoThrottlerStorage, WINDOWS_COLLECTION } from '../../apps/api/src/rate-limits/mongo-throttler-storage';
import { MovableClock } from '../support/movable-clock';
import { describeWithMongo, MongoTestDatabases } from '../support/mongodb';
import { throttlerStorageContract } from './throttler-storage.contract';

const MINUTE = 60_000;

describeWithMongo('MongoDB throttler storage', (uri) => {
  const databases = new MongoTestDatabases(uri);
  afterAll(() => databases.close());

  throttlerStorageContract('MongoDB', async (clock) => {
    const storage = await MongoThrottlerStorage.open(await databases.fresh(), clock);
    return { storage: () => storage, close: async () => storage.onApplicationShutdown() };
  });

  it('shares the counts of every process: two storages on one database count as one', async () => {
    const db = await databases.fresh();
    const clock = new MovableClock();
    const [first, second] = await Promise.all([MongoThrottlerStorage.open(db, clock), MongoThrottlerStorage.open(db, clock)]);
    try {
      const key = `partner:${randomUUID()}`;
      const hits = [];
      for (let i = 0; i < 6; i++) hits.push((await (i % 2 ? second : first).increment(key, MINUTE, 4)).totalHits);
      expect(hits).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await first.increment(key, MINUTE, 4)).toMatchObject({ totalHits: 7, isBlocked: true });
    } finally {
      first.onApplicationShutdown();
      second.onApplicationShutdown();
    }
  });

  it('counts every one of concurrent hits at most once, and on MongoDB exactly once', async () => {
    const storage = await MongoThrottlerStorage.open(await databases.fresh(), new MovableClock());
    try {
      const key = `partner:${randomUUID()}`;
      const records = await Promise.all(Array.from({ length: 20 }, () => storage.increment(key, MINUTE, 100)));
      const totals = records.map((r) => r.totalHits);
      expect(Math.max(...totals)).toBeLessThanOrEqual(20);
      // FerretDB 1.24 applies concurrent $inc updates without atomicity and loses some (README).
      if (!process.env.FERRETDB_DATA_DIR) expect(new Set(totals).size).toBe(20);
    } finally {
      storage.onApplicationShutdown();
    }
  });

  it('deletes a window after it ends: by a TTL index on its Date, or a sweep where the server has none (FerretDB 1.24)', async () => {
    const db = await databases.fresh();
    const clock = new MovableClock();
    const storage = await MongoThrottlerStorage.open(db, clock);
    try {
      if (process.env.FERRETDB_DATA_DIR) expect(storage.expiry.by).toBe('sweep');
      await storage.increment(`partner:${randomUUID()}`, MINUTE, 10);
      clock.advance(MINUTE);
      await storage.increment(`partner:${randomUUID()}`, MINUTE, 10);
      const windows = db.collection(WINDOWS_COLLECTION);
      const [doc] = await windows.find().toArray();
      expect(doc.expiresAt).toBeInstanceOf(Date);
      if (storage.expiry.by === 'ttl-index') {
        const index = (await windows.indexes()).find((i) => i.name === 'expire_ended_windows');
        expect(index).toMatchObject({ key: { expiresAt: 1 }, expireAfterSeconds: 0 });
      } else {
        expect(await storage.expiry.sweep()).toBe(1);
        expect(await windows.countDocuments()).toBe(1);
      }
    } finally {
      storage.onApplicationShutdown();
    }
  });
});
