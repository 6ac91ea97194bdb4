import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { positionKey } from '@app/event-store';
import { SqliteReadThread } from '../../embedded/sqlite-read-thread';
import { SqliteViewStore } from '../../embedded/sqlite-view-store';
import { CustomerListItem } from '../../views';
import { customerListProjection } from './customer-list.projection';
import { ListQuery } from './customer-list.reader';
import { compareKeys, searchKey } from './search-key';
import { DOMAIN_SORT_LIMIT, listStatements, SCAN_STEP, SqliteCustomerListReader } from './sqlite-customer-list.reader';

const PARTNER = 'partner-plans';

function item(i: number, name: string, domain: string): CustomerListItem {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    partnerId: PARTNER,
    id,
    companyName: name,
    domain,
    selfPurchase: { resources: [] },
    costManagement: { enabled: false },
    revision: 0,
    position: positionKey({ commit: BigInt(i + 1), prepare: BigInt(i + 1) }),
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

describe('SqliteCustomerListReader', () => {
  let dir: string;
  let store: SqliteViewStore;
  let reads: SqliteReadThread;
  let reader: SqliteCustomerListReader;
  // The test's own connection: statistics and query plans, beside the store's and the read thread's.
  let db: Database.Database;
  // More domain matches than the reader sorts itself, so both search paths run; names and domains
  // anti-correlated, so the dense path has to walk past many non-matching names.
  const count = DOMAIN_SORT_LIMIT + SCAN_STEP + 500;
  const items = Array.from({ length: count }, (_, i) =>
    item(i, `${i % 7 === 0 ? 'Contoso' : 'Name'} ${String(count - i).padStart(6, '0')}`, i % 2 ? `co${i}.example` : `x${i % 50}.example`),
  );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'list-reader-'));
    store = new SqliteViewStore(join(dir, 'views.sqlite'));
    reads = new SqliteReadThread(join(dir, 'views.sqlite'), 1000);
    reader = new SqliteCustomerListReader(store, reads);
    await store.commit(customerListProjection, items, { commit: BigInt(count), prepare: BigInt(count) });
    db = new Database(join(dir, 'views.sqlite'));
    db.exec('ANALYZE');
  });

  afterAll(async () => {
    db.close();
    await reads.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads every statement as an index range in index order: no table scan and no sort before the limit', () => {
    const sql = listStatements(store.activeTable(customerListProjection));
    const params = { partnerId: PARTNER, afterKey: '', afterId: '', startKey: 'co', startId: '', from: 'co', to: 'co\u{10FFFF}', limit: 10, ids: JSON.stringify([items[0].id]) };
    const plan = (statement: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(params) as { detail: string }[]).map((r) => r.detail).join(' | ');

    expect(plan(sql.page)).toMatch(/^SEARCH \S+ USING COVERING INDEX \S+_by_name_order \(partner_id=\? AND \(name_key,id\)>\(\?,\?\)\)$/);
    expect(plan(sql.byName)).toMatch(/^SEARCH \S+ USING COVERING INDEX \S+_by_name_order \(partner_id=\? AND \(name_key,id\)>\(\?,\?\) AND name_key<\?\)$/);
    expect(plan(sql.byDomain)).toMatch(/^SEARCH \S+ USING COVERING INDEX \S+_by_domain_prefix \(partner_id=\? AND domain_key>\? AND domain_key<\?\)$/);
    // A step reads the same bounded index range twice (its matches, and its last entry); the only
    // scan is of its own bounded output.
    const nameRange = 'SEARCH \\S+ USING COVERING INDEX \\S+_by_name_order \\(partner_id=\\? AND \\(name_key,id\\)>\\(\\?,\\?\\)\\)';
    const part = `CO-ROUTINE \\(subquery-\\d+\\) \\| ${nameRange} \\| SCAN \\(subquery-\\d+\\)`;
    expect(plan(sql.step)).toMatch(new RegExp(`^COMPOUND QUERY \\| LEFT-MOST SUBQUERY \\| ${part} \\| UNION ALL \\| ${part}$`));
    expect(plan(sql.documents)).toMatch(/^SEARCH \S+ USING INDEX \S+_key \(partner_id=\? AND id=\?\) \| (LIST SUBQUERY|CORRELATED LIST SUBQUERY) \d+ \| SCAN json_each VIRTUAL TABLE INDEX \d+:( \| CREATE BLOOM FILTER)?$/);
    for (const statement of Object.values(sql)) expect(plan(statement)).not.toMatch(/TEMP B-TREE|SCAN (?!\(subquery|json_each)/);
  });

  /** What a search should answer: every match in list order, by brute force. */
  function expected(search: string): string[] {
    return items
      .filter((i) => searchKey(i.companyName).startsWith(search) || searchKey(i.domain).startsWith(search))
      .sort((a, b) => compareKeys(searchKey(a.companyName), searchKey(b.companyName)) || compareKeys(a.id, b.id))
      .map((i) => i.id);
  }

  async function allIds(query: Omit<ListQuery, 'partnerId' | 'after'>): Promise<string[]> {
    const ids: string[] = [];
    for (let page = await reader.page({ partnerId: PARTNER, ...query }); ; page = await reader.page({ partnerId: PARTNER, ...query, after: page.next })) {
      ids.push(...page.items.map((i) => i.id));
      if (!page.next) return ids;
    }
  }

  it.each([
    ['dense domain matches (walked in name order)', 'co'],
    ['few domain matches (sorted and merged with the name range)', 'x1'],
    ['names only', 'contoso'],
    ['nothing', 'zz'],
  ])('pages through a search with %s: each match once, in list order', async (_case, search) => {
    const want = expected(search);
    if (search === 'co') expect(want.filter((id) => Number(id.slice(-12)) % 2).length).toBeGreaterThan(DOMAIN_SORT_LIMIT);
    if (search === 'x1') expect(want.length).toBeLessThanOrEqual(DOMAIN_SORT_LIMIT);
    expect(await allIds({ search, size: 97 })).toEqual(want);
  });
});
