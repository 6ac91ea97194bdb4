import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { positionKey } from '@app/event-store';
import Database from 'better-sqlite3';
import { customerListProjection, CustomerListItem, embeddedViews, ParkedEvent, SqliteViewStore, ViewPorts } from '@app/read-side';
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

  describe('a generation filled from the files of a rebuild in parts', () => {
    const parking = (generation: number, n: bigint): ParkedEvent => ({
      projection: 'customer-list',
      generation,
      position: positionKey(pos(n)),
      stream: `customer-${partner()}-${randomUUID()}`,
      revision: 2,
      type: 'CustomerRenamed',
      eventId: randomUUID(),
      error: 'Error: cannot apply',
      parkedAt: '2026-12-05T10:00:00.000Z',
    });

    /** A part file as a part's process leaves it: its own first generation, committed up to `upTo`. */
    async function partFile(dir: string, name: string, docs: CustomerListItem[], upTo: bigint | null, parked: ParkedEvent[] = []) {
      const file = path.join(dir, name);
      const part = new SqliteViewStore(file, { scratch: true });
      try {
        const generation = await part.beginRebuild(LIST);
        if (upTo !== null) await part.commit(LIST, docs, pos(upTo), generation, parked.map((p) => ({ ...p, generation })));
        return { file, generation };
      } finally {
        await part.close();
      }
    }

    it('copies in the documents and parked events of every part, and sets the checkpoint to the earliest of theirs', async () => {
      const dir = tempDir();
      const views = embeddedViews(path.join(dir, 'views.sqlite'));
      try {
        const p = partner();
        const a = listItem(p, 'Contoso', 'contoso.example', 3n);
        const b = listItem(p, 'Fabrikam', 'fabrikam.example', 8n);
        const parked = parking(0, 6n);
        const parts = [await partFile(dir, 'part-1', [a], 9n), await partFile(dir, 'part-2', [b], 7n, [parked])];
        const generation = await views.generations.beginRebuild(LIST);

        expect(await (views.generations as SqliteViewStore).absorbParts(LIST, generation, parts)).toEqual(pos(7n));
        expect(await views.writer.checkpoint(LIST, generation)).toEqual(pos(7n));
        expect(await views.writer.load(LIST, [key(a), key(b)], generation)).toStrictEqual([a, b]);
        expect(await views.parked.parked(LIST, generation)).toStrictEqual([{ ...parked, generation }]);
        // Caught up by key from there (the rebuild's catch-up), then switched to and read.
        const renamed = { ...b, companyName: 'Fabrikam Inc', position: positionKey(pos(10n)) };
        await views.writer.commit(LIST, [renamed], pos(10n), generation);
        await views.generations.finishRebuild(LIST, generation);
        expect(await views.customerList.page({ partnerId: p, size: 10 })).toStrictEqual({ items: [a, renamed] });
      } finally {
        await views.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses a part that never finished, or a generation no longer being built, and copies nothing', async () => {
      const dir = tempDir();
      const views = embeddedViews(path.join(dir, 'views.sqlite'));
      try {
        const p = partner();
        const done = await partFile(dir, 'part-1', [listItem(p, 'Contoso', 'contoso.example', 3n)], 9n);
        const unfinished = await partFile(dir, 'part-2', [], null);
        const generation = await views.generations.beginRebuild(LIST);
        const store = views.generations as SqliteViewStore;

        await expect(store.absorbParts(LIST, generation, [done, unfinished])).rejects.toThrow(/Part 2 .* never finished/);
        await expect(store.absorbParts(LIST, generation + 1, [done])).rejects.toThrow();
        expect(await views.writer.checkpoint(LIST, generation)).toBeNull();
        const found = [];
        for await (const doc of views.generations.documents(LIST, generation)) found.push(doc);
        expect(found).toEqual([]);
        // The files were detached: absorbed again, the finished part goes in whole.
        await store.absorbParts(LIST, generation, [done]);
        expect(await views.writer.checkpoint(LIST, generation)).toEqual(pos(9n));
      } finally {
        await views.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
