import { randomUUID } from 'node:crypto';
import { Position, positionKey } from '@app/event-store';
import { AccountDetail, CustomerListItem, DocumentKey, ListCursor, searchKey, StaleGeneration, ViewStore } from '@app/read-side';
import { storePerTest } from './store-per-test';

/**
 * The view-store port contract. Every adapter (embedded SQLite, MongoDB) runs this same suite, so
 * it speaks only through the port.
 *
 * `open` must hand each test an empty store (a fresh file, a fresh database): checkpoints are kept
 * per view, and a test starts by expecting none. Documents live under random partner ids besides.
 */
export function viewStoreContract(
  name: string,
  open: () => Promise<ViewStore>,
  teardown: (store: ViewStore) => Promise<void> = (store) => store.close(),
): void {
  describe(`ViewStore contract: ${name}`, () => {
    const vs = storePerTest(open, teardown);

    describe('commit, load and checkpoint', () => {
      it('has no checkpoint before the first commit', async () => {
        expect(await vs().checkpoint('customer-list')).toBeNull();
        expect(await vs().checkpoint('account-detail')).toBeNull();
      });

      it('writes the documents and the checkpoint; load reads the documents back intact', async () => {
        const partnerId = partner();
        const a = listItem(partnerId, 'Contoso Ltd', 'contoso.onmicrosoft.com', 3n, {
          selfPurchase: { resources: ['AzureReservedInstances', 'AzureSavingsPlan'] },
          costManagement: { enabled: true },
        });
        const b = listItem(partnerId, 'Zoë Ångström — 東京', 'zoe.example', 5n);

        await vs().commit('customer-list', [a, b], pos(5n));

        expect(sortById(await vs().load<CustomerListItem>('customer-list', [key(a), key(b)]))).toStrictEqual(sortById([a, b]));
        expect(await vs().checkpoint('customer-list')).toEqual(pos(5n));
      });

      it('writes account details and reads them back intact', async () => {
        const detail = accountDetail(partner(), 'Contoso Ltd', 7n, { billingProfile: fullBilling('Contoso (EMEA)') });

        await vs().commit('account-detail', [detail], pos(7n));

        expect(await vs().load<AccountDetail>('account-detail', [key(detail)])).toStrictEqual([detail]);
        expect(await vs().accountDetail(key(detail))).toStrictEqual(detail);
        expect(await vs().checkpoint('account-detail')).toEqual(pos(7n));
      });

      it('keeps a checkpoint per view', async () => {
        await vs().commit('customer-list', [], pos(9n));

        expect(await vs().checkpoint('customer-list')).toEqual(pos(9n));
        expect(await vs().checkpoint('account-detail')).toBeNull();

        await vs().commit('account-detail', [], pos(4n));
        expect(await vs().checkpoint('account-detail')).toEqual(pos(4n));
        expect(await vs().checkpoint('customer-list')).toEqual(pos(9n));
      });

      it('moves the checkpoint with a commit of no documents (a batch of events no view cares about)', async () => {
        await vs().commit('customer-list', [], pos(3n));
        await vs().commit('customer-list', [], pos(8n));

        expect(await vs().checkpoint('customer-list')).toEqual(pos(8n));
      });

      it('keeps positions whole: large values, commit and prepare apart', async () => {
        const big: Position = { commit: 18_446_744_073_709_551_615n, prepare: 18_446_744_073_709_551_000n };
        const doc = listItem(partner(), 'Contoso', 'contoso.com', 0n, { position: positionKey(big) });

        await vs().commit('customer-list', [doc], big);

        expect(await vs().checkpoint('customer-list')).toEqual(big);
        expect(await vs().load('customer-list', [key(doc)])).toStrictEqual([doc]);
      });

      it('never moves the checkpoint backwards', async () => {
        await vs().commit('customer-list', [], pos(10n));
        await vs().commit('customer-list', [], pos(4n));
        expect(await vs().checkpoint('customer-list')).toEqual(pos(10n));

        await vs().commit('customer-list', [], pos(10n));
        expect(await vs().checkpoint('customer-list')).toEqual(pos(10n));

        await vs().commit('customer-list', [], { commit: 10n, prepare: 9n });
        expect(await vs().checkpoint('customer-list')).toEqual(pos(10n));

        await vs().commit('customer-list', [], { commit: 11n, prepare: 2n });
        expect(await vs().checkpoint('customer-list')).toEqual({ commit: 11n, prepare: 2n });
      });

      it('does not let a document at an older position overwrite a newer one', async () => {
        const partnerId = partner();
        const newer = listItem(partnerId, 'Contoso (EMEA)', 'contoso.onmicrosoft.com', 20n);
        const older = { ...newer, companyName: 'Contoso Ltd', revision: 0, position: positionKey(pos(10n)) };
        await vs().commit('customer-list', [newer], pos(20n));

        await vs().commit('customer-list', [older], pos(10n));

        expect(await vs().load('customer-list', [key(newer)])).toStrictEqual([newer]);
        // What the list searches and sorts by stays with the newer document too.
        expect(await names(vs(), { partnerId, search: searchKey('Contoso L') })).toEqual([]);
        expect(await names(vs(), { partnerId, search: searchKey('Contoso (') })).toEqual(['Contoso (EMEA)']);
      });

      it('does not let a document at the same position overwrite the stored one', async () => {
        const stored = accountDetail(partner(), 'Contoso Ltd', 20n);
        const same = { ...stored, breadcrumbName: 'Something else', updatedBy: 'someone-else' };
        await vs().commit('account-detail', [stored], pos(20n));

        await vs().commit('account-detail', [same], pos(20n));

        expect(await vs().accountDetail(key(stored))).toStrictEqual(stored);
      });

      it('lets a document at a newer position replace the stored one, search keys included', async () => {
        const partnerId = partner();
        const first = listItem(partnerId, 'Contoso Ltd', 'contoso.onmicrosoft.com', 10n);
        const renamed = { ...first, companyName: 'Northwind', domain: 'northwind.example', revision: 1, position: positionKey(pos(11n)) };
        await vs().commit('customer-list', [first], pos(10n));

        await vs().commit('customer-list', [renamed], pos(11n));

        expect(await vs().load('customer-list', [key(first)])).toStrictEqual([renamed]);
        expect(await names(vs(), { partnerId, search: 'contoso' })).toEqual([]);
        expect(await names(vs(), { partnerId, search: 'north' })).toEqual(['Northwind']);
      });

      it('guards each document of a commit on its own', async () => {
        const partnerId = partner();
        const a = listItem(partnerId, 'Alpha', 'alpha.example', 30n);
        const b = listItem(partnerId, 'Bravo', 'bravo.example', 5n);
        await vs().commit('customer-list', [a, b], pos(30n));
        const staleA = { ...a, companyName: 'Stale Alpha', position: positionKey(pos(29n)) };
        const newerB = { ...b, companyName: 'Bravo Two', position: positionKey(pos(31n)) };

        await vs().commit('customer-list', [staleA, newerB], pos(31n));

        expect(sortById(await vs().load('customer-list', [key(a), key(b)]))).toStrictEqual(sortById([a, newerB]));
        expect(await vs().checkpoint('customer-list')).toEqual(pos(31n));
      });

      it('load returns only the documents that exist, of the view asked for', async () => {
        const partnerId = partner();
        const item = listItem(partnerId, 'Contoso', 'contoso.com', 1n);
        const detail = accountDetail(partnerId, 'Fabrikam', 2n);
        await vs().commit('customer-list', [item], pos(1n));
        await vs().commit('account-detail', [detail], pos(2n));

        expect(await vs().load('customer-list', [])).toEqual([]);
        expect(
          await vs().load('customer-list', [
            { partnerId, id: randomUUID() },
            key(item),
            { partnerId: partner(), id: item.id },
            key(detail),
          ]),
        ).toStrictEqual([item]);
        expect(await vs().load('account-detail', [key(item), key(detail)])).toStrictEqual([detail]);
      });
    });

    describe('listCustomers', () => {
      it('lists only the partner’s own customers', async () => {
        const mine = partner();
        const theirs = partner();
        const sharedTenant = randomUUID();
        await vs().commit(
          'customer-list',
          [
            listItem(mine, 'Contoso', 'contoso.com', 1n, { id: sharedTenant }),
            listItem(theirs, 'Contoso for Them', 'contoso.com', 2n, { id: sharedTenant }),
            listItem(theirs, 'Fabrikam', 'fabrikam.com', 3n),
          ],
          pos(3n),
        );

        const page = await vs().listCustomers({ partnerId: mine, size: 10 });

        expect(page.items.map((i) => [i.partnerId, i.id, i.companyName])).toEqual([[mine, sharedTenant, 'Contoso']]);
        expect(page.next).toBeUndefined();
        expect(await vs().listCustomers({ partnerId: partner(), size: 10 })).toEqual({ items: [] });
      });

      it('returns the stored documents themselves', async () => {
        const partnerId = partner();
        const item = listItem(partnerId, 'Contoso', 'contoso.com', 4n, { selfPurchase: { resources: ['AzureSavingsPlan'] } });
        await vs().commit('customer-list', [item], pos(4n));

        expect(await vs().listCustomers({ partnerId, size: 10 })).toStrictEqual({ items: [item] });
      });

      it('sorts by the name’s search key (case-insensitive, NFKC), then by id', async () => {
        const partnerId = partner();
        const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
        await vs().commit(
          'customer-list',
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

        const page = await vs().listCustomers({ partnerId, size: 10 });

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
        await vs().commit(
          'customer-list',
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
        await vs().commit(
          'customer-list',
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
        await vs().commit('customer-list', all, pos(23n));

        const pages = await allPages(vs(), { partnerId }, 5);

        expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
        expect(pages.flat().map((i) => i.id)).toEqual(sortedForList(all).map((i) => i.id));
      });

      it('ends on a full page without an empty page after it', async () => {
        const partnerId = partner();
        const all = Array.from({ length: 6 }, (_, i) => listItem(partnerId, `Customer ${i}`, `c${i}.example`, 1n));
        await vs().commit('customer-list', all, pos(1n));

        const first = await vs().listCustomers({ partnerId, size: 3 });
        expect(first.next).toBeDefined();
        const second = await vs().listCustomers({ partnerId, size: 3, after: first.next });
        expect(second.items.map((i) => i.companyName)).toEqual(['Customer 3', 'Customer 4', 'Customer 5']);
        expect(second.next).toBeUndefined();

        const exact = await vs().listCustomers({ partnerId, size: 6 });
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
        await vs().commit('customer-list', [...others, ...matching], pos(1n));

        const pages = await allPages(vs(), { partnerId, search: 'contoso' }, 4);

        expect(pages.map((p) => p.length)).toEqual([4, 4, 3]);
        expect(pages.flat().map((i) => i.id)).toEqual(sortedForList(matching).map((i) => i.id));
      });

      it('resumes strictly after the cursor', async () => {
        const partnerId = partner();
        const all = ['Alpha', 'Bravo', 'Charlie', 'Delta'].map((n) => listItem(partnerId, n, `${n.toLowerCase()}.example`, 1n));
        await vs().commit('customer-list', all, pos(1n));
        const bravo = all[1];
        const cursor: ListCursor = { nameKey: searchKey(bravo.companyName), id: bravo.id };

        const page = await vs().listCustomers({ partnerId, size: 10, after: cursor });

        expect(page.items.map((i) => i.companyName)).toEqual(['Charlie', 'Delta']);
      });
    });

    describe('accountDetail', () => {
      it('returns the document under the key, or null', async () => {
        const partnerId = partner();
        const detail = accountDetail(partnerId, 'Contoso Ltd', 3n);
        await vs().commit('account-detail', [detail], pos(3n));

        expect(await vs().accountDetail(key(detail))).toStrictEqual(detail);
        expect(await vs().accountDetail({ partnerId, id: randomUUID() })).toBeNull();
        expect(await vs().accountDetail({ partnerId: partner(), id: detail.id })).toBeNull();
      });

      it('does not answer from the customer list', async () => {
        const item = listItem(partner(), 'Contoso', 'contoso.com', 1n);
        await vs().commit('customer-list', [item], pos(1n));

        expect(await vs().accountDetail(key(item))).toBeNull();
      });
    });

    describe('generations (rebuild and verify)', () => {
      it('starts on generation 1 and builds a rebuild beside it, invisible to reads until the switch', async () => {
        const partnerId = partner();
        const live = listItem(partnerId, 'Live', 'live.example.com', 1n);
        await vs().commit('customer-list', [live], pos(1n));
        expect(await vs().activeGeneration('customer-list')).toBe(1);

        const building = await vs().beginRebuild('customer-list');
        expect(building).toBeGreaterThan(1);
        const rebuilt = listItem(partnerId, 'Rebuilt', 'rebuilt.example.com', 2n);
        await vs().commit('customer-list', [rebuilt], pos(2n), building);
        expect((await vs().listCustomers({ partnerId, size: 10 })).items).toStrictEqual([live]);
        expect(await vs().checkpoint('customer-list')).toEqual(pos(1n));
        expect(await vs().checkpoint('customer-list', building)).toEqual(pos(2n));

        await vs().finishRebuild('customer-list', building);
        expect(await vs().activeGeneration('customer-list')).toBe(building);
        expect((await vs().listCustomers({ partnerId, size: 10 })).items).toStrictEqual([rebuilt]);
        expect(await vs().checkpoint('customer-list')).toEqual(pos(2n));
      });

      it('resumes an unfinished rebuild instead of starting another', async () => {
        const first = await vs().beginRebuild('account-detail');
        await vs().commit('account-detail', [accountDetail(partner(), 'Half', 5n)], pos(5n), first);
        expect(await vs().beginRebuild('account-detail')).toBe(first);
        expect(await vs().checkpoint('account-detail', first)).toEqual(pos(5n));
      });

      it('refuses writes to a replaced generation, so a stale projector moves to the new one', async () => {
        const building = await vs().beginRebuild('customer-list');
        await vs().finishRebuild('customer-list', building);
        const item = listItem(partner(), 'Stale', 'stale.example.com', 9n);
        await expect(vs().commit('customer-list', [item], pos(9n), 1)).rejects.toBeInstanceOf(StaleGeneration);
        await expect(vs().finishRebuild('customer-list', building)).rejects.toBeInstanceOf(StaleGeneration);
      });

      it('keeps a replaced generation readable until the next rebuild starts, then drops it', async () => {
        const partnerId = partner();
        const old = listItem(partnerId, 'Old', 'old.example.com', 1n);
        await vs().commit('customer-list', [old], pos(1n));
        const second = await vs().beginRebuild('customer-list');
        await vs().finishRebuild('customer-list', second);
        const kept = [];
        for await (const doc of vs().documents('customer-list', 1)) kept.push(doc);
        expect(kept).toStrictEqual([old]);

        await vs().beginRebuild('customer-list');
        const dropped = [];
        for await (const doc of vs().documents('customer-list', 1)) dropped.push(doc);
        expect(dropped).toEqual([]);
      });

      it('gives verify a shadow that never serves reads, lists all its documents, and drops it', async () => {
        const partnerId = partner();
        const shadow = await vs().createShadow('account-detail');
        const docs = Array.from({ length: 1205 }, (_, i) => accountDetail(partnerId, `Customer ${i}`, BigInt(i + 1)));
        await vs().commit('account-detail', docs, pos(1205n), shadow);
        expect(await vs().accountDetail(key(docs[0]))).toBeNull();

        const listed = [];
        for await (const doc of vs().documents('account-detail', shadow)) listed.push(doc);
        expect(sortById(listed as AccountDetail[])).toStrictEqual(sortById(docs));

        await vs().dropShadow('account-detail', shadow);
        await expect(vs().commit('account-detail', docs.slice(0, 1), pos(1206n), shadow)).rejects.toBeInstanceOf(StaleGeneration);
        expect(await vs().activeGeneration('account-detail')).toBe(1);
      });
    });
  });
}

const pos = (n: bigint): Position => ({ commit: n, prepare: n });
const partner = () => `partner-${randomUUID()}`;
const key = (doc: { partnerId: string; id: string }): DocumentKey => ({ partnerId: doc.partnerId, id: doc.id });
const sortById = <T extends { id: string }>(docs: T[]): T[] => [...docs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const byKey = (a: string, b: string) => (searchKey(a) < searchKey(b) ? -1 : searchKey(a) > searchKey(b) ? 1 : 0);

function sortedForList(items: readonly CustomerListItem[]): CustomerListItem[] {
  return [...items].sort((a, b) => byKey(a.companyName, b.companyName) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function listItem(
  partnerId: string,
  companyName: string,
  domain: string,
  position: bigint,
  overrides: Partial<CustomerListItem> = {},
): CustomerListItem {
  return {
    partnerId,
    id: randomUUID(),
    companyName,
    domain,
    selfPurchase: { resources: [] },
    costManagement: { enabled: false },
    revision: Number(position),
    position: positionKey(pos(position)),
    updatedAt: '2025-03-01T09:30:00.000Z',
    ...overrides,
  };
}

function fullBilling(companyName: string): AccountDetail['billingProfile'] {
  return {
    companyName,
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@contoso.com',
    phoneNumber: '+1 425 555 0100',
    culture: 'en-US',
    language: 'en',
    defaultAddress: { addressLine1: '1 Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
  };
}

function accountDetail(partnerId: string, companyName: string, position: bigint, overrides: Partial<AccountDetail> = {}): AccountDetail {
  const id = randomUUID();
  return {
    partnerId,
    id,
    breadcrumbName: companyName,
    companyProfile: { tenantId: id, domain: 'contoso.onmicrosoft.com', companyName },
    billingProfile: { companyName },
    selfPurchase: { resources: ['AzureReservedInstances'] },
    costManagement: { enabled: true },
    revision: Number(position),
    position: positionKey(pos(position)),
    updatedAt: '2025-03-01T09:30:00.000Z',
    updatedBy: 'agent-ada@partner.example',
    ...overrides,
  };
}

async function names(store: ViewStore, query: { partnerId: string; search?: string }): Promise<string[]> {
  return (await allPages(store, query, 100)).flat().map((i) => i.companyName);
}

/** Follows `next` to the end (bounded, so a cursor that never ends fails instead of hanging). */
async function allPages(store: ViewStore, query: { partnerId: string; search?: string }, size: number): Promise<CustomerListItem[][]> {
  const pages: CustomerListItem[][] = [];
  let after: ListCursor | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await store.listCustomers({ ...query, size, after });
    pages.push(page.items);
    if (!page.next) return pages;
    after = page.next;
  }
  throw new Error('listCustomers kept returning a next cursor.');
}
