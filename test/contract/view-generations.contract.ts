import { AccountDetail, StaleGeneration, ViewPorts } from '@app/read-side';
import { accountDetail, DETAIL, key, LIST, listItem, partner, pos, sortById } from './view-fixtures';

/** The ViewGenerations port: rebuilds beside the live view, shadows for verify. */
export function viewGenerationsContract(vs: () => ViewPorts): void {
  describe('ViewGenerations: rebuild and verify', () => {
    it('starts on generation 1 and builds a rebuild beside it, invisible to reads until the switch', async () => {
      const partnerId = partner();
      const live = listItem(partnerId, 'Live', 'live.example.com', 1n);
      await vs().writer.commit(LIST, [live], pos(1n));
      expect(await vs().generations.activeGeneration(LIST)).toBe(1);

      const building = await vs().generations.beginRebuild(LIST);
      expect(building).toBeGreaterThan(1);
      const rebuilt = listItem(partnerId, 'Rebuilt', 'rebuilt.example.com', 2n);
      await vs().writer.commit(LIST, [rebuilt], pos(2n), building);
      expect((await vs().customerList.page({ partnerId, size: 10 })).items).toStrictEqual([live]);
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(1n));
      expect(await vs().writer.checkpoint(LIST, building)).toEqual(pos(2n));

      await vs().generations.finishRebuild(LIST, building);
      expect(await vs().generations.activeGeneration(LIST)).toBe(building);
      expect((await vs().customerList.page({ partnerId, size: 10 })).items).toStrictEqual([rebuilt]);
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(2n));
    });

    it('resumes an unfinished rebuild instead of starting another', async () => {
      const first = await vs().generations.beginRebuild(DETAIL);
      await vs().writer.commit(DETAIL, [accountDetail(partner(), 'Half', 5n)], pos(5n), first);
      expect(await vs().generations.beginRebuild(DETAIL)).toBe(first);
      expect(await vs().writer.checkpoint(DETAIL, first)).toEqual(pos(5n));
    });

    it('refuses writes to a replaced generation, so a stale projector moves to the new one', async () => {
      const building = await vs().generations.beginRebuild(LIST);
      await vs().generations.finishRebuild(LIST, building);
      const item = listItem(partner(), 'Stale', 'stale.example.com', 9n);
      await expect(vs().writer.commit(LIST, [item], pos(9n), 1)).rejects.toBeInstanceOf(StaleGeneration);
      await expect(vs().generations.finishRebuild(LIST, building)).rejects.toBeInstanceOf(StaleGeneration);
    });

    it('keeps a replaced generation readable until the next rebuild starts, then drops it', async () => {
      const partnerId = partner();
      const old = listItem(partnerId, 'Old', 'old.example.com', 1n);
      await vs().writer.commit(LIST, [old], pos(1n));
      const second = await vs().generations.beginRebuild(LIST);
      await vs().generations.finishRebuild(LIST, second);
      const kept = [];
      for await (const doc of vs().generations.documents(LIST, 1)) kept.push(doc);
      expect(kept).toStrictEqual([old]);

      await vs().generations.beginRebuild(LIST);
      const dropped = [];
      for await (const doc of vs().generations.documents(LIST, 1)) dropped.push(doc);
      expect(dropped).toEqual([]);
    });

    it('gives verify a shadow that never serves reads, lists all its documents, and drops it', async () => {
      const partnerId = partner();
      const shadow = await vs().generations.createShadow(DETAIL);
      const docs = Array.from({ length: 1205 }, (_, i) => accountDetail(partnerId, `Customer ${i}`, BigInt(i + 1)));
      await vs().writer.commit(DETAIL, docs, pos(1205n), shadow);
      expect(await vs().accountDetail.get(key(docs[0]))).toBeNull();

      const listed = [];
      for await (const doc of vs().generations.documents(DETAIL, shadow)) listed.push(doc);
      expect(sortById(listed as AccountDetail[])).toStrictEqual(sortById(docs));

      await vs().generations.dropShadow(DETAIL, shadow);
      await expect(vs().writer.commit(DETAIL, docs.slice(0, 1), pos(1206n), shadow)).rejects.toBeInstanceOf(StaleGeneration);
      expect(await vs().generations.activeGeneration(DETAIL)).toBe(1);
    });
  });
}
