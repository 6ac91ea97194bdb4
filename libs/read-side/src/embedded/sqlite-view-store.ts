import type Database from 'better-sqlite3';
import { openSqlite } from '@app/platform';
import { Position, positionFromKey, positionKey } from '@app/event-store';
import { DocumentKey, ListPage, ListQuery, PREFIX_END, searchKey, ViewStore } from '../view-store';
import { AccountDetail, CustomerListItem, ViewDocument, ViewName } from '../views';

const TABLES: Record<ViewName, string> = { 'customer-list': 'customer_list', 'account-detail': 'account_details' };

/**
 * The embedded view store: one SQLite file in WAL mode. A projection's document writes and its
 * checkpoint commit in one transaction, so the checkpoint can never pass a lost write.
 * synchronous=NORMAL is enough for that: a power cut may lose the last commits, but documents and
 * checkpoint together, and the projector then projects those events again from the events, which
 * are the durable truth. It spares the request path an fsync per projected batch.
 */
export class SqliteViewStore implements ViewStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openSqlite(file, 'NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS customer_list (
        partner_id TEXT NOT NULL, id TEXT NOT NULL, name_key TEXT NOT NULL, domain_key TEXT NOT NULL,
        position TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (partner_id, id)
      );
      CREATE INDEX IF NOT EXISTS customer_list_by_name ON customer_list (partner_id, name_key, id);
      CREATE INDEX IF NOT EXISTS customer_list_by_domain ON customer_list (partner_id, domain_key);
      CREATE TABLE IF NOT EXISTS account_details (
        partner_id TEXT NOT NULL, id TEXT NOT NULL, position TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (partner_id, id)
      );
      CREATE TABLE IF NOT EXISTS projection_checkpoints (
        name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL
      );
    `);
  }

  async load<V extends ViewDocument>(view: ViewName, keys: readonly DocumentKey[]): Promise<V[]> {
    const select = this.db.prepare(`SELECT doc FROM ${TABLES[view]} WHERE partner_id = ? AND id = ?`);
    return keys.flatMap((k) => {
      const row = select.get(k.partnerId, k.id) as { doc: string } | undefined;
      return row ? [JSON.parse(row.doc) as V] : [];
    });
  }

  async commit(view: ViewName, documents: readonly ViewDocument[], checkpoint: Position): Promise<void> {
    const upsert =
      view === 'customer-list'
        ? this.db.prepare(
            `INSERT INTO customer_list (partner_id, id, name_key, domain_key, position, doc) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (partner_id, id) DO UPDATE SET name_key = excluded.name_key, domain_key = excluded.domain_key,
               position = excluded.position, doc = excluded.doc WHERE excluded.position > customer_list.position`,
          )
        : this.db.prepare(
            `INSERT INTO account_details (partner_id, id, position, doc) VALUES (?, ?, ?, ?)
             ON CONFLICT (partner_id, id) DO UPDATE SET position = excluded.position, doc = excluded.doc
             WHERE excluded.position > account_details.position`,
          );
    const moveCheckpoint = this.db.prepare(
      `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
       WHERE excluded.position > projection_checkpoints.position`,
    );
    this.db.transaction(() => {
      for (const doc of documents) {
        const json = JSON.stringify(doc);
        if (view === 'customer-list') {
          const item = doc as CustomerListItem;
          upsert.run(item.partnerId, item.id, searchKey(item.companyName), searchKey(item.domain), item.position, json);
        } else {
          upsert.run(doc.partnerId, doc.id, doc.position, json);
        }
      }
      moveCheckpoint.run(view, positionKey(checkpoint), Date.now());
    })();
  }

  async checkpoint(view: ViewName): Promise<Position | null> {
    const row = this.db.prepare('SELECT position FROM projection_checkpoints WHERE name = ?').get(view) as
      | { position: string }
      | undefined;
    return row ? positionFromKey(row.position) : null;
  }

  async listCustomers({ partnerId, search, size, after }: ListQuery): Promise<ListPage> {
    const cursor = after ?? { nameKey: '', id: '' };
    const page = 'AND (name_key > @afterKey OR (name_key = @afterKey AND id > @afterId))';
    // Two index ranges (name prefix, domain prefix) merged, rather than one scan with an OR.
    const sql = search
      ? `SELECT name_key, id, doc FROM customer_list WHERE partner_id = @partnerId AND name_key >= @from AND name_key < @to ${page}
         UNION
         SELECT name_key, id, doc FROM customer_list WHERE partner_id = @partnerId AND domain_key >= @from AND domain_key < @to ${page}
         ORDER BY name_key, id LIMIT @limit`
      : `SELECT name_key, id, doc FROM customer_list WHERE partner_id = @partnerId ${page} ORDER BY name_key, id LIMIT @limit`;
    const rows = this.db.prepare(sql).all({
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

  async accountDetail(key: DocumentKey): Promise<AccountDetail | null> {
    const [doc] = await this.load<AccountDetail>('account-detail', [key]);
    return doc ?? null;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
