import { accountDetailReader } from '../projections/account-detail/account-detail.reader';
import { SqliteCustomerListReader } from '../projections/customer-list/sqlite-customer-list.reader';
import { ViewPorts } from '../view-ports';
import { DEFAULT_SQLITE_BUSY_MS } from '@app/platform/core';
import { SqliteReadThread } from './sqlite-read-thread';
import { SqliteViewStore } from './sqlite-view-store';

/** The views in one SQLite file. */
export function embeddedViews(file: string, busyTimeoutMs?: number): ViewPorts {
  const store = new SqliteViewStore(file, { busyTimeoutMs });
  const listReads = new SqliteReadThread(file, busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_MS);
  return {
    writer: store,
    generations: store,
    parked: store,
    customerList: new SqliteCustomerListReader(store, listReads),
    accountDetail: accountDetailReader(store),
    close: async () => {
      await listReads.close();
      await store.close();
    },
  };
}
