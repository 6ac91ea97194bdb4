import { Db } from 'mongodb';
import { accountDetailReader } from '../projections/account-detail/account-detail.reader';
import { MongoCustomerListReader } from '../projections/customer-list/mongo-customer-list.reader';
import { PROJECTIONS } from '../projections/projections';
import { ViewPorts } from '../view-ports';
import { MongoViewStore, MongoViewStoreOptions } from './mongo-view-store';

/** The views in one MongoDB database, their indexes in place. */
export async function mongoViews(db: Db, options: MongoViewStoreOptions = {}): Promise<ViewPorts> {
  const store = new MongoViewStore(db, options);
  await store.ensureIndexes(Object.values(PROJECTIONS));
  return {
    writer: store,
    generations: store,
    parked: store,
    customerList: new MongoCustomerListReader(store),
    accountDetail: accountDetailReader(store),
    close: () => store.close(),
  };
}
