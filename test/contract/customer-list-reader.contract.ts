import { randomUUID } from 'node:crypto';
import { ListCursor, searchKey, ViewPorts } from '@app/read-side';
import { allPages, byKey, key, LIST, listItem, names, partner, pos, sortedForList } from './view-fixtures';

/** The CustomerListReader port: a partner's list, sorted, searched by prefix, paged by cursor. */
export function customerListReaderContract(vs: () => ViewPorts): void {
  describe('CustomerListReader', () => {
    it('lists only the partner’s own customers', async () => {
      const mine = partner();
      const theirs = partner();
      const sharedTenant = randomUUID();
      await vs().writer.commit(
        LIST,
        [
          listItem(mine, 'Contoso', 'contoso.com', 1n, { id: sharedTenant }),
          listItem(theirs, 'Contoso for Them', 'contoso.com', 2n, { id: sharedTenant }),
          listItem(theirs, 'Fabrikam', 'fabrikam.com', 3n),
        ],
        pos(3n),
      );

      const page = await vs().customerList.page({ partnerId: mine, size: 10 });

      expect(page.items.map((i) => [i.partnerId, i.id, i.companyName])).toEqual([[mine, sharedTenant, 'Contoso']]);
      expect(page.next).toBeUndefined();
      expect(await vs().customerList.page({ partnerId: partner(), size: 10 })).toEqual({ items: [] });
    });

    it('returns the stored documents themselves', async () => {
      const partnerId = partner();
      const item = listItem(partnerId, 'Contoso', 'contoso.com', 4n, { selfPurchase: { resources: ['AzureSavingsPlan'] } });
      await vs().writer.commit(LIST, [item], pos(4n));

      expect(await vs().customerList.page({ partnerId, size: 10 })).toStrictEqual({ items: [item] });
    });

    it('sorts by the name’s search key (case-insensitive, NFKC), then by id', async () => {
      const partnerId = partner();
      const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      await vs().writer.commit(
        LIST,
        [
          listItem(partnerId, 'bravo', 'b2.example', 1n, { id: id(2) }),
          listItem(partnerId, 'Charlie', 'c.example', 1n, { id: id(9) }),
          listItem(partnerId, 'Ångström AB', 'a.example', 1n, { id: id(4) }),
          listItem(partnerId, 'BRAVO', 'b1.example', 1n, { id: id(1) }),
          listItem(partnerId, 'alpha', 'a.example', 1n, { id: id(5) }),
          listItem(partnerId, 'Ｚｅｔａ', 'z.example', 1n, { id: id(6) }),
          listItem(partnerId, 'Bravo', 'b3.example', 1n, { id: id(3) }),
        ],
        pos(1n),
      );

      const page = await vs().customerList.page({ partnerId, size: 10 });

      expect(page.items.map((i) => [i.companyName, i.id])).toEqual([
        ['alpha', id(5)],
        ['BRAVO', id(1)],
        ['bravo', id(2)],
        ['Bravo', id(3)],
        ['Charlie', id(9)],
        ['Ｚｅｔａ', id(6)],
        ['Ångström AB', id(4)],
      ]);
    });

    it('finds by a prefix of the name or of the domain, case-insensitively, each customer once', async () => {
      const partnerId = partner();
      await vs().writer.commit(
        LIST,
        [
          listItem(partnerId, 'Contoso Ltd', 'contoso.onmicrosoft.com', 1n),
          listItem(partnerId, 'CONTOSO HOLDINGS', 'holdings.example', 1n),
          listItem(partnerId, 'Woodgrove Bank', 'Contoso-Bank.com', 1n),
          listItem(partnerId, 'Northwind Traders', 'nwtraders.com', 1n),
          listItem(partnerId, 'Fabrikam', 'fabrikam.com', 1n),
          listItem(partnerId, 'Ｔａｉｌｓｐｉｎ Toys', 'toys.example', 1n),
        ],
        pos(1n),
      );
      const find = (term: string) => names(vs(), { partnerId, search: searchKey(term) });

      expect(await find('Contoso')).toEqual(['Contoso Ltd', 'CONTOSO HOLDINGS', 'Woodgrove Bank'].sort(byKey));
      expect(await find('contoso.')).toEqual(['Contoso Ltd']);
      expect(await find('NW')).toEqual(['Northwind Traders']);
      expect(await find('north')).toEqual(['Northwind Traders']);
      expect(await find('FAB')).toEqual(['Fabrikam']);
      expect(await find('tailspin')).toEqual(['Ｔａｉｌｓｐｉｎ Toys']);
      expect(await find('Fabrikam.com')).toEqual(['Fabrikam']);
      // A prefix, not a substring.
      expect(await find('Ltd')).toEqual([]);
      expect(await find('rikam')).toEqual([]);
      expect(await find('fabrikamx')).toEqual([]);
    });

    it('matches a term with wildcard or pattern characters literally', async () => {
      const partnerId = partner();
      await vs().writer.commit(
        LIST,
        [
          listItem(partnerId, '100% Organic', 'organic.example', 1n),
          listItem(partnerId, '100 Percent', 'percent.example', 1n),
          listItem(partnerId, '1000 Lakes', 'lakes.example', 1n),
          listItem(partnerId, 'Under_score Ltd', 'underscore.example', 1n),
          listItem(partnerId, 'Underscore Inc', 'under-score.example', 1n),
          listItem(partnerId, '%Percent Co', 'pc.example', 1n),
          listItem(partnerId, '_Lead Ltd', 'lead.example', 1n),
          listItem(partnerId, 'A.B. Corp', 'ab.example', 1n),
          listItem(partnerId, 'ABC Corp', 'abc.example', 1n),
          listItem(partnerId, 'Star* Inc', 'star.example', 1n),
          listItem(partnerId, 'Back\\slash', 'backslash.example', 1n),
          listItem(partnerId, '[Brackets] (Ltd)', 'brackets.example', 1n),
        ],
        pos(1n),
      );
      const find = (term: string) => names(vs(), { partnerId, search: searchKey(term) });

      expect(await find('100%')).toEqual(['100% Organic']);
      expect(await find('%')).toEqual(['%Percent Co']);
      expect(await find('under_')).toEqual(['Under_score Ltd']);
      expect(await find('_')).toEqual(['_Lead Ltd']);
      expect(await find('a.')).toEqual(['A.B. Corp']);
      expect(await find('.')).toEqual([]);
      expect(await find('star*')).toEqual(['Star* Inc']);
      expect(await find('*')).toEqual([]);
      expect(await find('back\\')).toEqual(['Back\\slash']);
      expect(await find('[b')).toEqual(['[Brackets] (Ltd)']);
      expect(await find('^')).toEqual([]);
      expect(await find('(')).toEqual([]);
    });

    it('pages by size and cursor, visiting every customer once, with no next on the last page', async () => {
      const partnerId = partner();
      // Repeated names, so pages also break between customers of the same name.
      const all = Array.from({ length: 23 }, (_, i) => listItem(partnerId, `Customer ${String(i % 9).padStart(2, '0')}`, `c${i}.example`, BigInt(i)));
      await vs().writer.commit(LIST, all, pos(23n));

      const pages = await allPages(vs(), { partnerId }, 5);

      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
      expect(pages.flat().map((i) => i.id)).toEqual(sortedForList(all).map((i) => i.id));
    });

    it('ends on a full page without an empty page after it', async () => {
      const partnerId = partner();
      const all = Array.from({ length: 6 }, (_, i) => listItem(partnerId, `Customer ${i}`, `c${i}.example`, 1n));
      await vs().writer.commit(LIST, all, pos(1n));

      const first = await vs().customerList.page({ partnerId, size: 3 });
      expect(first.next).toBeDefined();
      const second = await vs().customerList.page({ partnerId, size: 3, after: first.next });
      expect(second.items.map((i) => i.companyName)).toEqual(['Customer 3', 'Customer 4', 'Customer 5']);
      expect(second.next).toBeUndefined();

      const exact = await vs().customerList.page({ partnerId, size: 6 });
      expect(exact.items).toHaveLength(6);
      expect(exact.next).toBeUndefined();
    });

    it('pages through search results the same way', async () => {
      const partnerId = partner();
      const matching = Array.from({ length: 11 }, (_, i) =>
        i % 2
          ? listItem(partnerId, `Contoso ${String(i).padStart(2, '0')}`, `branch${i}.example`, 1n)
          : listItem(partnerId, `Branch ${String(i).padStart(2, '0')}`, `contoso-${i}.example`, 1n),
      );
      const others = Array.from({ length: 7 }, (_, i) => listItem(partnerId, `Other ${i}`, `other${i}.example`, 1n));
      await vs().writer.commit(LIST, [...others, ...matching], pos(1n));

      const pages = await allPages(vs(), { partnerId, search: 'contoso' }, 4);

      expect(pages.map((p) => p.length)).toEqual([4, 4, 3]);
      expect(pages.flat().map((i) => i.id)).toEqual(sortedForList(matching).map((i) => i.id));
    });

    it('resumes strictly after the cursor', async () => {
      const partnerId = partner();
      const all = ['Alpha', 'Bravo', 'Charlie', 'Delta'].map((n) => listItem(partnerId, n, `${n.toLowerCase()}.example`, 1n));
      await vs().writer.commit(LIST, all, pos(1n));
      const bravo = all[1];
      const cursor: ListCursor = { nameKey: searchKey(bravo.companyName), id: bravo.id };

      const page = await vs().customerList.page({ partnerId, size: 10, after: cursor });

      expect(page.items.map((i) => i.companyName)).toEqual(['Charlie', 'Delta']);
    });
  });
}
