import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { positionKey } from '@app/event-store';
import { CustomerListItem, SqliteViewStore, ViewStore } from '@app/read-side';
import { viewStoreContract } from './view-store.contract';
import { onTempFiles } from '../support/temp-files';

const files = onTempFiles<ViewStore>('view-store-contract', 'views.sqlite', (file) => new SqliteViewStore(file));
const tempDir = files.tempDir;

viewStoreContract('embedded (SQLite)', files.open, files.teardown);

describe('ViewStore: embedded (SQLite) only', () => {
  it('reads back, from a new instance on the same file, the documents and checkpoint an earlier one committed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'views.sqlite');
    const item: CustomerListItem = {
      partnerId: `partner-${randomUUID()}`,
      id: randomUUID(),
      companyName: 'Zoë Ångström',
      domain: 'zoe.example',
      selfPurchase: { resources: ['AzureSavingsPlan'] },
      costManagement: { enabled: true },
      revision: 4,
      position: positionKey({ commit: 42n, prepare: 42n }),
      updatedAt: '2025-03-01T09:30:00.000Z',
    };
    try {
      const first = new SqliteViewStore(file);
      await first.commit('customer-list', [item], { commit: 42n, prepare: 42n });
      await first.close();

      const second = new SqliteViewStore(file);
      try {
        expect(await second.checkpoint('customer-list')).toEqual({ commit: 42n, prepare: 42n });
        expect(await second.load('customer-list', [{ partnerId: item.partnerId, id: item.id }])).toStrictEqual([item]);
        expect(await second.listCustomers({ partnerId: item.partnerId, search: 'zoë', size: 10 })).toStrictEqual({ items: [item] });
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
