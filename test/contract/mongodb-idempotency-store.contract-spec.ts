import { Db } from 'mongodb';
import { MongoIdempotencyStore, RETENTION_INDEX } from '../../apps/api/src/idempotency/mongo-idempotency-store';
import { MovableClock } from '../support/movable-clock';
import { describeWithMongo, MongoTestDatabases } from '../support/mongodb';
import { idempotencyStoreContract } from './idempotency-store.contract';

const HOUR = 3_600_000;

describeWithMongo('MongoDB idempotency store', (uri) => {
  const databases = new MongoTestDatabases(uri);
  afterAll(() => databases.close());

  idempotencyStoreContract('MongoDB', async (retention) => MongoIdempotencyStore.open(await databases.fresh(), retention));

  describe('records expire after the retention', () => {
    const ttlIndexOf = async (db: Db) => (await db.collection('idempotency_keys').indexes()).find((index) => index.name === RETENTION_INDEX);
    const keysIn = async (db: Db) => (await db.collection('idempotency_keys').find().toArray()).map((doc) => doc._id).sort();

    /** Two records, 24 h and 12 h old on the store's clock. */
    async function aged(hours: number) {
      const db = await databases.fresh();
      const clock = new MovableClock();
      const store = await MongoIdempotencyStore.open(db, { clock, hours });
      await store.reserve('partner-a', 'old', 'hash');
      clock.advance(12 * HOUR);
      await store.reserve('partner-a', 'young', 'hash');
      clock.advance(12 * HOUR);
      return { db, clock, store };
    }

    it('by a TTL index on the Date each record is created with, or by a sweep where the server has none (FerretDB 1.24)', async () => {
      const { db, store } = await aged(24);
      try {
        // with-ferretdb.sh sets FERRETDB_DATA_DIR: FerretDB 1.24 refuses expireAfterSeconds (NotImplemented).
        if (process.env.FERRETDB_DATA_DIR) expect(store.expiry?.by).toBe('sweep');
        if (store.expiry?.by === 'ttl-index') {
          expect(await ttlIndexOf(db)).toMatchObject({ key: { createdAt: 1 }, expireAfterSeconds: 24 * 3600 });
        } else {
          expect(await store.expiry!.sweep()).toBe(1);
          expect(await keysIn(db)).toEqual(['["partner-a","young"]']);
        }
        const [record] = await db.collection('idempotency_keys').find().toArray();
        expect(record.createdAt).toBeInstanceOf(Date);
      } finally {
        await store.close();
      }
    });

    it('by the retention of the latest start: an index of another age is replaced', async () => {
      const { db, clock, store } = await aged(24);
      await store.close();
      const again = await MongoIdempotencyStore.open(db, { clock, hours: 13 });
      try {
        if (again.expiry?.by === 'ttl-index') {
          expect(await ttlIndexOf(db)).toMatchObject({ key: { createdAt: 1 }, expireAfterSeconds: 13 * 3600 });
        } else {
          expect(await again.expiry!.sweep()).toBe(1);
          expect(await keysIn(db)).toEqual(['["partner-a","young"]']);
        }
      } finally {
        await again.close();
      }
    });
  });
});
