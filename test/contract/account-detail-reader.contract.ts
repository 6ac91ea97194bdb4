import { randomUUID } from 'node:crypto';
import { ViewPorts } from '@app/read-side';
import { accountDetail, DETAIL, key, LIST, listItem, partner, pos } from './view-fixtures';

/** The AccountDetailReader port: one account page by key. */
export function accountDetailReaderContract(vs: () => ViewPorts): void {
  describe('AccountDetailReader', () => {
    it('returns the document under the key, or null', async () => {
      const partnerId = partner();
      const detail = accountDetail(partnerId, 'Contoso Ltd', 3n);
      await vs().writer.commit(DETAIL, [detail], pos(3n));

      expect(await vs().accountDetail.get(key(detail))).toStrictEqual(detail);
      expect(await vs().accountDetail.get({ partnerId, id: randomUUID() })).toBeNull();
      expect(await vs().accountDetail.get({ partnerId: partner(), id: detail.id })).toBeNull();
    });

    it('does not answer from the customer list', async () => {
      const item = listItem(partner(), 'Contoso', 'contoso.com', 1n);
      await vs().writer.commit(LIST, [item], pos(1n));

      expect(await vs().accountDetail.get(key(item))).toBeNull();
    });
  });
}
