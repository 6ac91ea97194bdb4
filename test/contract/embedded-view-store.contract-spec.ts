import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { positionKey } from '@app/event-store';
import Database from 'better-sqlite3';
import { customerListProjection, CustomerListItem, embeddedViews, ViewPorts } from '@app/read-side';
import { viewStoreContract } from './view-store.contract';
import { key, LIST, listItem, partner, pos } from './view-fixtures';
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

  describe('a generation filled from empty, written without its key index until it is read by key', () => {
    /** A store on a fresh file in a directory of its own, closed and removed after `run`. */
    async function onFreshFile(run: (views: ViewPorts, file: string) => Promise<void>): Promise<void> {
      const dir = tempDir();
      const file = path.join(dir, 'views.sqlite');
      const views = embeddedViews(file);
      try {
        await run(views, file);
      } finally {
        await views.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    const keyIndexes = (file: string, table: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.pragma(`index_list(${table})`) as { name: string; unique: number }[]).filter((i) => i.unique === 1).map((i) => i.name);
      } finally {
        db.close();
      }
    };

    it('folds documents written again across commits, keeps the newer of two, and gets its key index before it is read by key', () =>
      onFreshFile(async (views, file) => {
        const generation = await views.generations.beginRebuild(LIST);
        const p = partner();
        const a = listItem(p, 'Contoso', 'contoso.example', 2n);
        const b = listItem(p, 'Fabrikam', 'fabrikam.example', 3n);
        await views.writer.commit(LIST, [a, b], pos(3n), generation);
        expect(keyIndexes(file, `customer_list_g${generation}`)).toEqual([]);

        const renamed = { ...a, companyName: 'Contoso Ltd', position: listItem(p, '', '', 5n).position };
        await views.writer.commit(LIST, [renamed], pos(5n), generation);
        // An older document (a batch committed again) never replaces a newer one.
        await views.writer.commit(LIST, [a], pos(6n), generation);
        expect(await views.writer.load(LIST, [key(a), key(b)], generation)).toStrictEqual([renamed, b]);

        const found: CustomerListItem[] = [];
        for await (const doc of views.generations.documents(LIST, generation)) found.push(doc);
        expect(found).toHaveLength(2);
        expect(keyIndexes(file, `customer_list_g${generation}`)).toEqual([`customer_list_g${generation}_key`]);
        // Keyed now: the same documents again are upserts, not new rows.
        await views.writer.commit(LIST, [renamed, b], pos(7n), generation);
        await views.generations.finishRebuild(LIST, generation);
        expect(await views.customerList.page({ partnerId: p, size: 10 })).toStrictEqual({ items: [renamed, b] });
      }));

    it('forgets the rows of a commit that failed, so the next commit writes them again', () =>
      onFreshFile(async (views) => {
        const generation = await views.generations.beginRebuild(LIST);
        const p = partner();
        const a = listItem(p, 'Contoso', 'contoso.example', 2n);
        const b = listItem(p, 'Fabrikam', 'fabrikam.example', 4n);
        const broken = { ...listItem(p, 'Northwind', 'northwind.example', 3n), position: null as unknown as string };
        // Matched by message, not toThrow: better-sqlite3 keeps the error class of the first test file
        // that loaded it in this Jest worker, which is not an Error of this file's realm.
        // The failed commit created the table: it is gone with it.
        await expect(views.writer.commit(LIST, [a, broken], pos(3n), generation)).rejects.toMatchObject({ message: expect.stringMatching(/NOT NULL/) });
        expect(await views.writer.checkpoint(LIST, generation)).toBeNull();
        await views.writer.commit(LIST, [a], pos(3n), generation);
        // The table stays; the row appended for b is undone.
        await expect(views.writer.commit(LIST, [b, broken], pos(4n), generation)).rejects.toMatchObject({ message: expect.stringMatching(/NOT NULL/) });
        await views.writer.commit(LIST, [b], pos(4n), generation);
        expect(await views.writer.load(LIST, [key(a), key(b)], generation)).toStrictEqual([a, b]);
      }));

    it('opened by a second store (a resumed rebuild), gets its key index at once; the first store then fails on a shared key instead of writing it twice', () =>
      onFreshFile(async (first, file) => {
        const second = embeddedViews(file);
        try {
          const generation = await first.generations.beginRebuild(LIST);
          const p = partner();
          const a = listItem(p, 'Contoso', 'contoso.example', 2n);
          const b = listItem(p, 'Fabrikam', 'fabrikam.example', 3n);
          await first.writer.commit(LIST, [a], pos(2n), generation);

          expect(await second.writer.load(LIST, [key(a)], generation)).toStrictEqual([a]);
          expect(keyIndexes(file, `customer_list_g${generation}`)).toEqual([`customer_list_g${generation}_key`]);
          await second.writer.commit(LIST, [b], pos(3n), generation);

          await expect(first.writer.commit(LIST, [{ ...b, position: listItem(p, '', '', 4n).position }], pos(4n), generation)).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE/) });
          expect(await second.writer.load(LIST, [key(a), key(b)], generation)).toStrictEqual([a, b]);
        } finally {
          await second.close();
        }
      }));
  });
});
