import type { SqliteReads } from '../../embedded/sqlite-read-thread';
import type { SqliteViewStore } from '../../embedded/sqlite-view-store';
import { CustomerListItem } from '../../views';
import { customerListProjection } from './customer-list.projection';
import { CustomerListReader, ListPage, ListQuery } from './customer-list.reader';
import { compareKeys, PREFIX_END } from './search-key';

/**
 * How many domain matches a search sorts by name itself. Fewer: they are read off the domain index
 * (covering, no table rows) and merged with the name range. More: matches are dense, and the list's
 * own name order, filtered, reaches a page of them sooner than sorting them all would.
 */
export const DOMAIN_SORT_LIMIT = 1_000;
/** Index entries scanned per step of a dense search: other reads on the read thread run between steps. */
export const SCAN_STEP = 2_000;

type KeyRow = { name_key: string; id: string };

/**
 * The reader's statements on one generation's table: each an index range read in the order of its
 * index, so its LIMIT stops the scan (no temporary B-tree; `sqlite-customer-list.reader.spec.ts`
 * checks the plans).
 */
export function listStatements(table: string) {
  const afterCursor = '(name_key, id) > (@afterKey, @afterId)';
  // Pinned: with statistics of few partners the planner may otherwise pick the other index and sort.
  const byNameOrder = `${table} INDEXED BY ${table}_by_name_order`;
  const byDomainPrefix = `${table} INDEXED BY ${table}_by_domain_prefix`;
  const inList = `${byNameOrder} WHERE partner_id = @partnerId AND ${afterCursor} ORDER BY name_key, id`;
  const matches = '(name_key >= @from AND name_key < @to) OR (domain_key >= @from AND domain_key < @to)';
  return {
    /** A plain page: the name index from the cursor on. */
    page: `SELECT name_key, id FROM ${inList} LIMIT @limit`,
    /** Names with the prefix, in list order: one range from the later of the prefix and the cursor. */
    byName: `SELECT name_key, id FROM ${byNameOrder} WHERE partner_id = @partnerId AND (name_key, id) > (@startKey, @startId) AND name_key < @to ORDER BY name_key, id LIMIT @limit`,
    /** Domains with the prefix (in domain order), each with its place in the list, from the index alone. */
    byDomain: `SELECT name_key, id FROM ${byDomainPrefix} WHERE partner_id = @partnerId AND domain_key >= @from AND domain_key < @to AND ${afterCursor} LIMIT @limit`,
    /**
     * One step of the list in name order from the index alone: the matches among its next @limit
     * entries (hit 1, in list order) and the last entry it looked at (hit 0), where the next starts.
     */
    step:
      `SELECT * FROM (SELECT name_key, id, 1 AS hit FROM (SELECT name_key, id, domain_key FROM ${inList} LIMIT @limit) WHERE ${matches} ORDER BY name_key, id) ` +
      `UNION ALL SELECT * FROM (SELECT name_key, id, 0 AS hit FROM ${inList} LIMIT 1 OFFSET @limit - 1)`,
    /** The documents of a page's keys, by primary key. */
    documents: `SELECT id, doc FROM ${table} WHERE partner_id = @partnerId AND id IN (SELECT value FROM json_each(@ids))`,
  };
}

/**
 * The customer list on the embedded store; `name_key` and `domain_key` are the columns of the list's
 * declared keys. Every statement is an index range that applies its limit in index order (no sort
 * of the matches before the limit), so a page costs the same at 10,000 customers as at a million.
 * The statements run on the read thread, never on the event loop (`SqliteReadThread`).
 */
export class SqliteCustomerListReader implements CustomerListReader {
  constructor(
    private readonly store: SqliteViewStore,
    private readonly reads: SqliteReads,
  ) {}

  async page({ partnerId, search, size, after }: ListQuery): Promise<ListPage> {
    const sql = listStatements(this.store.activeTable(customerListProjection));
    const cursor = { partnerId, afterKey: after?.nameKey ?? '', afterId: after?.id ?? '' };
    const keys = search
      ? await this.searchKeys(sql, { ...cursor, from: search, to: `${search}${PREFIX_END}` }, size + 1)
      : await this.reads.all<KeyRow>(sql.page, { ...cursor, limit: size + 1 });
    const shown = keys.slice(0, size);
    const rows = shown.length ? await this.reads.all<{ id: string; doc: string }>(sql.documents, { partnerId, ids: JSON.stringify(shown.map((k) => k.id)) }) : [];
    const docs = new Map(rows.map((r) => [r.id, r.doc]));
    const items = shown.flatMap((k) => {
      const doc = docs.get(k.id);
      return doc ? [JSON.parse(doc) as CustomerListItem] : [];
    });
    const last = keys[size - 1];
    return keys.length > size ? { items, next: { nameKey: last.name_key, id: last.id } } : { items };
  }

  private async searchKeys(sql: ListStatements, params: SearchParams, limit: number): Promise<KeyRow[]> {
    const byDomain = await this.reads.all<KeyRow>(sql.byDomain, { ...params, limit: DOMAIN_SORT_LIMIT + 1 });
    if (byDomain.length > DOMAIN_SORT_LIMIT) return this.scanInNameOrder(sql, params, limit);
    // (prefix, '') precedes every key with the prefix, since ids are never empty.
    const start = compareKeys(params.afterKey, params.from) < 0 ? { startKey: params.from, startId: '' } : { startKey: params.afterKey, startId: params.afterId };
    const byName = await this.reads.all<KeyRow>(sql.byName, { partnerId: params.partnerId, to: params.to, ...start, limit });
    return mergeUnique(byName, byDomain.sort(byListOrder), limit);
  }

  /**
   * Many domains match: walk the list in name order from the cursor, a bounded step at a time,
   * keeping what matches by name or domain, until a page is full or the list ends.
   */
  private async scanInNameOrder(sql: ListStatements, params: SearchParams, limit: number): Promise<KeyRow[]> {
    const found: KeyRow[] = [];
    for (let { afterKey, afterId } = params; ; ) {
      const rows = await this.reads.all<KeyRow & { hit: 0 | 1 }>(sql.step, { ...params, afterKey, afterId, limit: SCAN_STEP });
      for (const row of rows) {
        if (row.hit && found.push({ name_key: row.name_key, id: row.id }) === limit) return found;
      }
      const last = rows.find((row) => !row.hit);
      if (!last) return found;
      ({ name_key: afterKey, id: afterId } = last);
    }
  }
}

type ListStatements = ReturnType<typeof listStatements>;
type SearchParams = { partnerId: string; afterKey: string; afterId: string; from: string; to: string };

function byListOrder(a: KeyRow, b: KeyRow): number {
  return compareKeys(a.name_key, b.name_key) || compareKeys(a.id, b.id);
}

/** Two lists in list order merged into one, each customer once, up to `limit`. */
function mergeUnique(a: KeyRow[], b: KeyRow[], limit: number): KeyRow[] {
  const merged: KeyRow[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < a.length || j < b.length)) {
    const order = i >= a.length ? 1 : j >= b.length ? -1 : byListOrder(a[i], b[j]);
    if (order <= 0) merged.push(a[i++]);
    else merged.push(b[j++]);
    if (order === 0) j++;
  }
  return merged;
}
