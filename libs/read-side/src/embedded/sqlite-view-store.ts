import type Database from 'better-sqlite3';
import { openSqlite } from '@app/platform';
import { Position, positionFromKey, positionKey } from '@app/event-store';
import {
  DocumentKey,
  FIRST_GENERATIONS,
  Generations,
  inUse,
  ListPage,
  ListQuery,
  PREFIX_END,
  searchKey,
  StaleGeneration,
  ViewStore,
} from '../view-store';
import { AccountDetail, CustomerListItem, ViewDocument, ViewName } from '../views';

const BASE: Record<ViewName, string> = { 'customer-list': 'customer_list', 'account-detail': 'account_details' };

/**
 * The embedded view store: one SQLite file in WAL mode, a table per view generation. A
 * projection's document writes and its checkpoint commit in one transaction, so the checkpoint can
 * never pass a lost write. synchronous=NORMAL is enough for that: a power cut may lose the last
 * commits, but documents and checkpoint together, and the projector then projects those events
 * again from the events, which are the durable truth. It spares the request path an fsync per batch.
 */
export class SqliteViewStore implements ViewStore {
  private readonly db: Database.Database;
  private readonly created = new Set<string>();
  /** Prepared once per SQL text: every read and every projected batch goes through these. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    this.db = openSqlite(file, 'NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS view_generations (view TEXT PRIMARY KEY, generations TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL);
    `);
  }

  async load<V extends ViewDocument>(view: ViewName, keys: readonly DocumentKey[], generation?: number): Promise<V[]> {
    const table = this.table(view, generation ?? this.generations(view).active);
    const select = this.statement(`SELECT doc FROM ${table} WHERE partner_id = ? AND id = ?`);
    return keys.flatMap((k) => {
      const row = select.get(k.partnerId, k.id) as { doc: string } | undefined;
      return row ? [JSON.parse(row.doc) as V] : [];
    });
  }

  async commit(view: ViewName, documents: readonly ViewDocument[], checkpoint: Position, generation?: number): Promise<void> {
    // IMMEDIATE: take the write lock first, so another process writing meanwhile makes this wait
    // (busy_timeout) instead of failing when a read-then-write transaction cannot upgrade.
    this.db.transaction(() => {
      // Checked inside the transaction: a switch by a rebuild cannot slip in between.
      const generations = this.generations(view);
      const target = generation ?? generations.active;
      if (!inUse(generations, target)) throw new StaleGeneration(view, target);
      const table = this.table(view, target);
      const upsert = this.statement(
        `INSERT INTO ${table} (partner_id, id, name_key, domain_key, position, doc) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (partner_id, id) DO UPDATE SET name_key = excluded.name_key, domain_key = excluded.domain_key,
           position = excluded.position, doc = excluded.doc WHERE excluded.position > ${table}.position`,
      );
      for (const doc of documents) {
        const item = view === 'customer-list' ? (doc as CustomerListItem) : undefined;
        upsert.run(doc.partnerId, doc.id, item ? searchKey(item.companyName) : null, item ? searchKey(item.domain) : null, doc.position, JSON.stringify(doc));
      }
      this.db
        .prepare(
          `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
           WHERE excluded.position > projection_checkpoints.position`,
        )
        .run(checkpointName(view, target), positionKey(checkpoint), Date.now());
    }).immediate();
  }

  async checkpoint(view: ViewName, generation?: number): Promise<Position | null> {
    const name = checkpointName(view, generation ?? this.generations(view).active);
    const row = this.statement('SELECT position FROM projection_checkpoints WHERE name = ?').get(name) as { position: string } | undefined;
    return row ? positionFromKey(row.position) : null;
  }

  async listCustomers({ partnerId, search, size, after }: ListQuery): Promise<ListPage> {
    const table = this.table('customer-list', this.generations('customer-list').active);
    const cursor = after ?? { nameKey: '', id: '' };
    const page = 'AND (name_key > @afterKey OR (name_key = @afterKey AND id > @afterId))';
    // Two index ranges (name prefix, domain prefix) merged, rather than one scan with an OR.
    const sql = search
      ? `SELECT name_key, id, doc FROM ${table} WHERE partner_id = @partnerId AND name_key >= @from AND name_key < @to ${page}
         UNION
         SELECT name_key, id, doc FROM ${table} WHERE partner_id = @partnerId AND domain_key >= @from AND domain_key < @to ${page}
         ORDER BY name_key, id LIMIT @limit`
      : `SELECT name_key, id, doc FROM ${table} WHERE partner_id = @partnerId ${page} ORDER BY name_key, id LIMIT @limit`;
    const rows = this.statement(sql).all({
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

  async activeGeneration(view: ViewName): Promise<number> {
    return this.generations(view).active;
  }

  async beginRebuild(view: ViewName): Promise<number> {
    return this.db.transaction(() => {
      const generations = this.dropRetired(view);
      if (generations.building !== null) return generations.building;
      const building = generations.last + 1;
      this.save(view, { ...generations, building, last: building });
      return building;
    }).immediate();
  }

  async finishRebuild(view: ViewName, generation: number): Promise<void> {
    this.db.transaction(() => {
      const generations = this.generations(view);
      if (generations.building !== generation) throw new StaleGeneration(view, generation);
      this.save(view, { ...generations, active: generation, building: null, retired: [...(generations.retired ?? []), generations.active] });
    }).immediate();
  }

  async createShadow(view: ViewName): Promise<number> {
    return this.db.transaction(() => {
      const generations = this.dropRetired(view);
      const shadow = generations.last + 1;
      this.save(view, { ...generations, shadows: [...generations.shadows, shadow], last: shadow });
      return shadow;
    }).immediate();
  }

  async dropShadow(view: ViewName, generation: number): Promise<void> {
    this.db.transaction(() => {
      const generations = this.generations(view);
      this.save(view, { ...generations, shadows: generations.shadows.filter((g) => g !== generation) });
      this.drop(view, generation);
    }).immediate();
  }

  async *documents(view: ViewName, generation: number): AsyncIterable<ViewDocument> {
    const select = this.statement(
      `SELECT partner_id, id, doc FROM ${this.table(view, generation)} WHERE (partner_id, id) > (?, ?) ORDER BY partner_id, id LIMIT 1000`,
    );
    for (let after = ['', '']; ; ) {
      const rows = select.all(after[0], after[1]) as { partner_id: string; id: string; doc: string }[];
      for (const row of rows) yield JSON.parse(row.doc) as ViewDocument;
      if (rows.length < 1000) return;
      after = [rows[rows.length - 1].partner_id, rows[rows.length - 1].id];
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private generations(view: ViewName): Generations {
    const row = this.statement('SELECT generations FROM view_generations WHERE view = ?').get(view) as { generations: string } | undefined;
    return row ? (JSON.parse(row.generations) as Generations) : FIRST_GENERATIONS;
  }

  /** Drops generations replaced by an earlier rebuild: no read can still be on them. */
  private dropRetired(view: ViewName): Generations {
    const generations = this.generations(view);
    for (const generation of generations.retired ?? []) this.drop(view, generation);
    const kept = { ...generations, retired: [] };
    this.save(view, kept);
    return kept;
  }

  private save(view: ViewName, generations: Generations): void {
    this.db
      .prepare('INSERT INTO view_generations (view, generations) VALUES (?, ?) ON CONFLICT (view) DO UPDATE SET generations = excluded.generations')
      .run(view, JSON.stringify(generations));
  }

  /** The table of one generation, created on first use. */
  private table(view: ViewName, generation: number): string {
    const name = `${BASE[view]}_g${generation}`;
    if (!this.created.has(name)) {
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS ${name} (
          partner_id TEXT NOT NULL, id TEXT NOT NULL, name_key TEXT, domain_key TEXT,
          position TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (partner_id, id)
        );
        ${view === 'customer-list' ? `CREATE INDEX IF NOT EXISTS ${name}_by_name ON ${name} (partner_id, name_key, id);
        CREATE INDEX IF NOT EXISTS ${name}_by_domain ON ${name} (partner_id, domain_key);` : ''}
      `);
      this.created.add(name);
    }
    return name;
  }

  private drop(view: ViewName, generation: number): void {
    const name = `${BASE[view]}_g${generation}`;
    for (const sql of this.statements.keys()) if (sql.includes(name)) this.statements.delete(sql);
    this.db.exec(`DROP TABLE IF EXISTS ${name}`);
    this.statement('DELETE FROM projection_checkpoints WHERE name = ?').run(checkpointName(view, generation));
    this.created.delete(name);
  }
}

function checkpointName(view: ViewName, generation: number): string {
  return `${view}#${generation}`;
}
