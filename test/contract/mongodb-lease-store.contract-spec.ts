import { MongoLeaseStore } from '@app/read-side';
import { describeWithMongo, MongoTestDatabases } from '../support/mongodb';
import { leaseStoreContract } from './lease-store.contract';

describeWithMongo('MongoDB lease store', (uri) => {
  const databases = new MongoTestDatabases(uri);
  afterAll(() => databases.close());

  leaseStoreContract('MongoDB', async () => new MongoLeaseStore(await databases.fresh()));
});
