import { randomUUID } from 'node:crypto';
import { positionKey } from '@app/event-store';
import { ParkedEvent, ViewPorts } from '@app/read-side';
import { key, LIST, listItem, partner, pos } from './view-fixtures';

const at = (n: bigint) => positionKey(pos(n));

function parking(n: bigint, overrides: Partial<ParkedEvent> = {}): ParkedEvent {
  return {
    projection: 'customer-list',
    generation: 1,
    position: at(n),
    stream: `customer-${partner()}-${randomUUID()}`,
    revision: 2,
    type: 'CustomerRenamed',
    eventId: randomUUID(),
    error: 'Error: cannot apply',
    parkedAt: '2026-12-04T10:00:00.000Z',
    ...overrides,
  };
}

/** The ParkedEvents port, and the parkings a ViewWriter commit records. */
export function parkedEventsContract(vs: () => ViewPorts): void {
  describe('ParkedEvents: what a commit parks, and what operators do with it', () => {
    it('records the parkings of a commit with its checkpoint, in position order, once however often the batch is committed', async () => {
      const later = parking(7n);
      const earlier = parking(5n);
      await vs().writer.commit(LIST, [], pos(8n), undefined, [later, earlier]);
      // The same batch again (after a crash before the next checkpoint): no second record, the first stands.
      await vs().writer.commit(LIST, [], pos(8n), undefined, [{ ...earlier, error: 'Error: again', parkedAt: '2026-12-05T00:00:00.000Z' }]);

      expect(await vs().parked.parked(LIST)).toStrictEqual([earlier, later]);
      expect(await vs().parked.countParked(LIST)).toBe(2);
      expect(await vs().parked.countParked(LIST, 1)).toBe(2);
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(8n));
    });

    it('keeps parkings per view and per generation; a rebuild starts with none, and a dropped generation takes its own along', async () => {
      await vs().writer.commit(LIST, [], pos(3n), undefined, [parking(3n)]);
      expect(await vs().parked.countParked({ ...LIST, name: 'account-detail' })).toBe(0);

      const rebuilt = await vs().generations.beginRebuild(LIST);
      expect(await vs().parked.countParked(LIST, rebuilt)).toBe(0);
      const inRebuild = parking(3n, { generation: rebuilt });
      await vs().writer.commit(LIST, [], pos(3n), rebuilt, [inRebuild]);
      await vs().generations.finishRebuild(LIST, rebuilt);
      expect(await vs().parked.parked(LIST)).toStrictEqual([inRebuild]);
      expect(await vs().parked.countParked(LIST, 1)).toBe(1);

      // The next rebuild drops the replaced generation 1, and its parkings with it.
      await vs().generations.beginRebuild(LIST);
      expect(await vs().parked.countParked(LIST, 1)).toBe(0);
      expect(await vs().parked.countParked(LIST)).toBe(1);

      const shadow = await vs().generations.createShadow(LIST);
      await vs().writer.commit(LIST, [], pos(3n), shadow, [parking(3n, { generation: shadow })]);
      await vs().generations.dropShadow(LIST, shadow);
      expect(await vs().parked.countParked(LIST, shadow)).toBe(0);
    });

    it('unparks one event, and says whether it was parked', async () => {
      const kept = parking(4n);
      await vs().writer.commit(LIST, [], pos(9n), undefined, [kept, parking(9n)]);
      expect(await vs().parked.unpark(LIST, 1, at(9n))).toBe(true);
      expect(await vs().parked.unpark(LIST, 1, at(9n))).toBe(false);
      expect(await vs().parked.parked(LIST)).toStrictEqual([kept]);
    });

    it('replaces a retried document only if the stored one is still the one the retry began from, then forgets the parkings it settles', async () => {
      const partnerId = partner();
      const stored = listItem(partnerId, 'Before the fault', 'before.example.com', 12n);
      const parked = parking(11n);
      const other = parking(5n);
      await vs().writer.commit(LIST, [stored], pos(12n), undefined, [parked, other]);
      // Folded again from its whole stream: the same position as the stored one, a different document.
      const retried = { ...stored, companyName: 'With the fault fixed' };

      expect(await vs().parked.replaceRetried(LIST, 1, retried, at(11n), [parked.position])).toBe(false);
      expect(await vs().writer.load(LIST, [key(stored)])).toStrictEqual([stored]);
      expect(await vs().parked.countParked(LIST)).toBe(2);

      expect(await vs().parked.replaceRetried(LIST, 1, retried, stored.position, [parked.position])).toBe(true);
      expect(await vs().writer.load(LIST, [key(stored)])).toStrictEqual([retried]);
      expect(await vs().customerList.page({ partnerId, size: 10 })).toStrictEqual({ items: [retried] });
      expect(await vs().parked.parked(LIST)).toStrictEqual([other]);
    });

    it('writes a retried document where none is stored only if there still is none', async () => {
      const first = listItem(partner(), 'First seen', 'first.example.com', 2n);
      expect(await vs().parked.replaceRetried(LIST, 1, first, null, [])).toBe(true);
      expect(await vs().parked.replaceRetried(LIST, 1, { ...first, companyName: 'Second' }, null, [])).toBe(false);
      expect(await vs().writer.load(LIST, [key(first)])).toStrictEqual([first]);
    });
  });
}
