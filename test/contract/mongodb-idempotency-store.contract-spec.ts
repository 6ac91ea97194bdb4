import { MongoIdempotencyStore } from '../../apps/api/src/idempotency/mongo-idempotency-store';
import { describeWithMongo, MongoTestDatabases } from '../support/mongodb';
import { idempotencyStoreContract } from './idempotency-store.contract';

describeWithMongo('MongoDB idempotency store', (uri) => {
  const databases = new MongoTestDatabases(uri);
  afterAll(() => databases.close());

  idempotencyStoreContract('MongoDB', async () => new MongoIdempotencyStore(await databases.fresh()));
});
