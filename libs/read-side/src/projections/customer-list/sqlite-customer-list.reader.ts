import type { SqliteViewStore } from '../../embedded/sqlite-view-store';
import { CustomerListItem } from '../../views';
import { customerListProjection } from './customer-list.projection';
import { CustomerListReader, ListPage, ListQuery } from './customer-list.reader';
import { PREFIX_END } from './search-key';

/** The customer list on the embedded store; `name_key` and `domain_key` are the columns of the list's declared keys. */
export class SqliteCustomerListReader implements CustomerListReader {
  constructor(private readonly store: SqliteViewStore) {}

  async page({ partnerId, search, size, after }: ListQuery): Promise<ListPage> {
    const table = this.store.activeTable(customerListProjection);
    const cursor = after ?? { nameKey: '', id: '' };
    const page = 'AND (name_key > @afterKey OR (name_key = @afterKey AND id > @afterId))';
    // Two index ranges (name prefix, domain prefix) merged, rather than one scan with an OR.
    const sql = search
      ? `SELECT name_key, id, doc FROM ${table} WHERE partner_id = @partnerId AND name_key >= @from AND name_key < @to ${page}
         UNION
         SELECT name_key, id, doc FROM ${table} WHERE partner_id = @partnerId AND domain_key >= @from AND domain_key < @to ${page}
         ORDER BY name_key, id LIMIT @limit`
      : `SELECT name_key, id, doc FROM ${table} WHERE partner_id = @partnerId ${page} ORDER BY name_key, id LIMIT @limit`;
    const rows = this.store.statement(sql).all({
      partnerId,
      from: search ?? '',
      to: `${search ?? ''}${PREFIX_END}`,
      afterKey: cursor.nameKey,
      afterId: cursor.id,
      limit: size + 1,
    }) as { name_key: string; id: string; doc: string }[];
    const items = rows.slice(0, size).map((r) => JSON.parse(r.doc) as CustomerListItem);
    const last = rows[size - 1];
    return rows.length > size ? { items, next: { nameKey: last.name_key, id: last.id } } : { items };
  }
}
