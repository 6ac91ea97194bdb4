import { randomUUID } from 'node:crypto';
import { Position, positionKey } from '@app/event-store';
import { searchKey, ViewPorts } from '@app/read-side';
import { accountDetail, DETAIL, fullBilling, key, LIST, listItem, names, partner, pos, sortById } from './view-fixtures';

/** The ViewWriter port: what a projection runner loads and commits, with its checkpoint. */
export function viewWriterContract(vs: () => ViewPorts): void {
  describe('ViewWriter: commit, load and checkpoint', () => {
    it('has no checkpoint before the first commit', async () => {
      expect(await vs().writer.checkpoint(LIST)).toBeNull();
      expect(await vs().writer.checkpoint(DETAIL)).toBeNull();
    });

    it('writes the documents and the checkpoint; load reads the documents back intact', async () => {
      const partnerId = partner();
      const a = listItem(partnerId, 'Contoso Ltd', 'contoso.onmicrosoft.com', 3n, {
        selfPurchase: { resources: ['AzureReservedInstances', 'AzureSavingsPlan'] },
        costManagement: { enabled: true },
      });
      const b = listItem(partnerId, 'Zoë Ångström — 東京', 'zoe.example', 5n);

      await vs().writer.commit(LIST, [a, b], pos(5n));

      expect(sortById(await vs().writer.load(LIST, [key(a), key(b)]))).toStrictEqual(sortById([a, b]));
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(5n));
    });

    it('writes account details and reads them back intact', async () => {
      const detail = accountDetail(partner(), 'Contoso Ltd', 7n, { billingProfile: fullBilling('Contoso (EMEA)') });

      await vs().writer.commit(DETAIL, [detail], pos(7n));

      expect(await vs().writer.load(DETAIL, [key(detail)])).toStrictEqual([detail]);
      expect(await vs().accountDetail.get(key(detail))).toStrictEqual(detail);
      expect(await vs().writer.checkpoint(DETAIL)).toEqual(pos(7n));
    });

    it('keeps a checkpoint per view', async () => {
      await vs().writer.commit(LIST, [], pos(9n));

      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(9n));
      expect(await vs().writer.checkpoint(DETAIL)).toBeNull();

      await vs().writer.commit(DETAIL, [], pos(4n));
      expect(await vs().writer.checkpoint(DETAIL)).toEqual(pos(4n));
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(9n));
    });

    it('moves the checkpoint with a commit of no documents (a batch of events no view cares about)', async () => {
      await vs().writer.commit(LIST, [], pos(3n));
      await vs().writer.commit(LIST, [], pos(8n));

      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(8n));
    });

    it('keeps positions whole: large values, commit and prepare apart', async () => {
      const big: Position = { commit: 18_446_744_073_709_551_615n, prepare: 18_446_744_073_709_551_000n };
      const doc = listItem(partner(), 'Contoso', 'contoso.com', 0n, { position: positionKey(big) });

      await vs().writer.commit(LIST, [doc], big);

      expect(await vs().writer.checkpoint(LIST)).toEqual(big);
      expect(await vs().writer.load(LIST, [key(doc)])).toStrictEqual([doc]);
    });

    it('never moves the checkpoint backwards', async () => {
      await vs().writer.commit(LIST, [], pos(10n));
      await vs().writer.commit(LIST, [], pos(4n));
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(10n));

      await vs().writer.commit(LIST, [], pos(10n));
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(10n));

      await vs().writer.commit(LIST, [], { commit: 10n, prepare: 9n });
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(10n));

      await vs().writer.commit(LIST, [], { commit: 11n, prepare: 2n });
      expect(await vs().writer.checkpoint(LIST)).toEqual({ commit: 11n, prepare: 2n });
    });

    it('does not let a document at an older position overwrite a newer one', async () => {
      const partnerId = partner();
      const newer = listItem(partnerId, 'Contoso (EMEA)', 'contoso.onmicrosoft.com', 20n);
      const older = { ...newer, companyName: 'Contoso Ltd', revision: 0, position: positionKey(pos(10n)) };
      await vs().writer.commit(LIST, [newer], pos(20n));

      await vs().writer.commit(LIST, [older], pos(10n));

      expect(await vs().writer.load(LIST, [key(newer)])).toStrictEqual([newer]);
      // What the list searches and sorts by stays with the newer document too.
      expect(await names(vs(), { partnerId, search: searchKey('Contoso L') })).toEqual([]);
      expect(await names(vs(), { partnerId, search: searchKey('Contoso (') })).toEqual(['Contoso (EMEA)']);
    });

    it('does not let a document at the same position overwrite the stored one', async () => {
      const stored = accountDetail(partner(), 'Contoso Ltd', 20n);
      const same = { ...stored, breadcrumbName: 'Something else', updatedBy: 'someone-else' };
      await vs().writer.commit(DETAIL, [stored], pos(20n));

      await vs().writer.commit(DETAIL, [same], pos(20n));

      expect(await vs().accountDetail.get(key(stored))).toStrictEqual(stored);
    });

    it('lets a document at a newer position replace the stored one, search keys included', async () => {
      const partnerId = partner();
      const first = listItem(partnerId, 'Contoso Ltd', 'contoso.onmicrosoft.com', 10n);
      const renamed = { ...first, companyName: 'Northwind', domain: 'northwind.example', revision: 1, position: positionKey(pos(11n)) };
      await vs().writer.commit(LIST, [first], pos(10n));

      await vs().writer.commit(LIST, [renamed], pos(11n));

      expect(await vs().writer.load(LIST, [key(first)])).toStrictEqual([renamed]);
      expect(await names(vs(), { partnerId, search: 'contoso' })).toEqual([]);
      expect(await names(vs(), { partnerId, search: 'north' })).toEqual(['Northwind']);
    });

    it('guards each document of a commit on its own', async () => {
      const partnerId = partner();
      const a = listItem(partnerId, 'Alpha', 'alpha.example', 30n);
      const b = listItem(partnerId, 'Bravo', 'bravo.example', 5n);
      await vs().writer.commit(LIST, [a, b], pos(30n));
      const staleA = { ...a, companyName: 'Stale Alpha', position: positionKey(pos(29n)) };
      const newerB = { ...b, companyName: 'Bravo Two', position: positionKey(pos(31n)) };

      await vs().writer.commit(LIST, [staleA, newerB], pos(31n));

      expect(sortById(await vs().writer.load(LIST, [key(a), key(b)]))).toStrictEqual(sortById([a, newerB]));
      expect(await vs().writer.checkpoint(LIST)).toEqual(pos(31n));
    });

    it('load returns only the documents that exist, of the view asked for', async () => {
      const partnerId = partner();
      const item = listItem(partnerId, 'Contoso', 'contoso.com', 1n);
      const detail = accountDetail(partnerId, 'Fabrikam', 2n);
      await vs().writer.commit(LIST, [item], pos(1n));
      await vs().writer.commit(DETAIL, [detail], pos(2n));

      expect(await vs().writer.load(LIST, [])).toEqual([]);
      expect(
        await vs().writer.load(LIST, [
          { partnerId, id: randomUUID() },
          key(item),
          { partnerId: partner(), id: item.id },
          key(detail),
        ]),
      ).toStrictEqual([item]);
      expect(await vs().writer.load(DETAIL, [key(item), key(detail)])).toStrictEqual([detail]);
    });
  });
}
