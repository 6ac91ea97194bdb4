import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { positionKey } from '@app/event-store';
import { customerListProjection, CustomerListItem, embeddedViews, ViewPorts } from '@app/read-side';
import { viewStoreContract } from './view-store.contract';
import { onTempFiles } from '../support/temp-files';

const files = onTempFiles<ViewPorts>('view-store-contract', 'views.sqlite', embeddedViews);
const tempDir = files.tempDir;

viewStoreContract('embedded (SQLite)', files.open, files.teardown);

describe('View store: embedded (SQLite) only', () => {
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
      const first = embeddedViews(file);
      await first.writer.commit(customerListProjection, [item], { commit: 42n, prepare: 42n });
      await first.close();

      const second = embeddedViews(file);
      try {
        expect(await second.writer.checkpoint(customerListProjection)).toEqual({ commit: 42n, prepare: 42n });
        expect(await second.writer.load(customerListProjection, [{ partnerId: item.partnerId, id: item.id }])).toStrictEqual([item]);
        expect(await second.customerList.page({ partnerId: item.partnerId, search: 'zoë', size: 10 })).toStrictEqual({ items: [item] });
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
