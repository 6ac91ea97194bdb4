import { accountDetailReader } from '../projections/account-detail/account-detail.reader';
import { SqliteCustomerListReader } from '../projections/customer-list/sqlite-customer-list.reader';
import { ViewPorts } from '../view-ports';
import { SqliteViewStore } from './sqlite-view-store';

/** The views in one SQLite file. */
export function embeddedViews(file: string, busyTimeoutMs?: number): ViewPorts {
  const store = new SqliteViewStore(file, busyTimeoutMs);
  return {
    writer: store,
    generations: store,
    parked: store,
    customerList: new SqliteCustomerListReader(store),
    accountDetail: accountDetailReader(store),
    close: () => store.close(),
  };
}
