import { mongoViews } from '@app/read-side';
import { describeWithMongo, MongoTestDatabases } from '../support/mongodb';
import { viewStoreContract } from './view-store.contract';

describeWithMongo('MongoDB view store', (uri) => {
  const databases = new MongoTestDatabases(uri);
  afterAll(() => databases.close());

  viewStoreContract('MongoDB', async () => mongoViews(await databases.fresh()));
});
