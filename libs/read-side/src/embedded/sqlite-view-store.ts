import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { openSqlite } from '@app/platform/core';
import { checkpointInBackground, Position, positionFromKey, positionKey, withoutInlineCheckpoint } from '@app/event-store/core';
import { ViewDefinition } from '../view-definition';
import { ParkedEvent, ParkedEvents } from '../parked-events';
import { FIRST_GENERATIONS, Generations, inUse, StaleGeneration, ViewGenerations } from '../view-generations';
import { DocumentKey, ViewWriter } from '../view-writer';
import { ViewDocument } from '../views';

export interface ViewStoreOptions {
  busyTimeoutMs?: number;
  /**
   * A scratch file (a part of a rebuild in parts): never fsynced, so it is whole after this process
   * crashes but not after the machine does, and must not be trusted after a restart.
   */
  scratch?: boolean;
}

/**
 * The embedded view store: one SQLite file in WAL mode, a table per view generation. A
 * projection's document writes and its checkpoint commit in one transaction, so the checkpoint can
 * never pass a lost write. synchronous=NORMAL is enough for that: a power cut may lose the last
 * commits, but documents and checkpoint together, and the projector then projects those events
 * again from the events, which are the durable truth. It spares the request path an fsync per batch.
 *
 * Each table holds the key, the document's position and JSON, and a column per key the view
 * declares (`nameKey` → `name_key`), unique by its key index.
 *
 * A generation this store fills from empty (a rebuild's, a shadow) is written without its key
 * index: documents arrive in log order, so their keys land all over that index, and keeping it up
 * to date was about a third of a rebuild's time. Its rows are appended and found again by rowid, which the
 * store keeps per key; the index is sorted once, before the generation is first read by key or
 * serves reads. Opened by another process, or after a crash, the generation gets its index at once.
 */
export class SqliteViewStore implements ViewWriter, ViewGenerations, ParkedEvents {
  private readonly db: Database.Database;
  private readonly created = new Set<string>();
  private readonly indexed = new Set<string>();
  /** Tables this store fills without their key index: each document's rowid, by key. */
  private readonly unkeyed = new Map<string, Map<string, number | bigint>>();
  /** Prepared once per SQL text: every read and every projected batch goes through these. */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly releaseCheckpoints: () => Promise<void>;

  constructor(
    /** The SQLite file the views are in. */
    readonly file: string,
    { busyTimeoutMs, scratch = false }: ViewStoreOptions = {},
  ) {
    this.db = openSqlite(file, scratch ? 'OFF' : 'NORMAL', busyTimeoutMs);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS view_generations (view TEXT PRIMARY KEY, generations TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS parked_events (
        view TEXT NOT NULL, generation INTEGER NOT NULL, position TEXT NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL,
        type TEXT NOT NULL, event_id TEXT NOT NULL, error TEXT NOT NULL, parked_at TEXT NOT NULL,
        PRIMARY KEY (view, generation, position)
      );
    `);
    // Off the event loop: a projected batch's commit never copies the WAL into the file. A scratch
    // file checkpoints inline, where without fsyncs it is cheap.
    this.releaseCheckpoints = scratch ? async () => undefined : checkpointInBackground(this.db);
  }

  async load<V extends ViewDocument>(view: ViewDefinition<V>, keys: readonly DocumentKey[], generation?: number): Promise<V[]> {
    const table = this.table(view, generation ?? this.generations(view).active, 'rows');
    const rowids = this.unkeyed.get(table);
    const find = rowids ? this.byRowid(table, rowids) : this.byKey(table);
    return keys.flatMap((k) => {
      const row = find(k);
      return row ? [JSON.parse(row.doc) as V] : [];
    });
  }

  private byKey(table: string): (key: DocumentKey) => { doc: string } | undefined {
    const select = this.statement(`SELECT doc FROM ${table} WHERE partner_id = ? AND id = ?`);
    return (k) => select.get(k.partnerId, k.id) as { doc: string } | undefined;
  }

  /** In a table without its key index, only what this store wrote can be found: by its rowid. */
  private byRowid(table: string, rowids: Map<string, number | bigint>): (key: DocumentKey) => { doc: string } | undefined {
    const select = this.statement(`SELECT doc FROM ${table} WHERE rowid = ?`);
    return (k) => {
      const rowid = rowids.get(rowKey(k));
      return rowid === undefined ? undefined : (select.get(rowid) as { doc: string } | undefined);
    };
  }

  async commit<V extends ViewDocument>(
    view: ViewDefinition<V>,
    documents: readonly V[],
    checkpoint: Position,
    generation?: number,
    parked: readonly ParkedEvent[] = [],
  ): Promise<void> {
    // IMMEDIATE: take the write lock first, so another process writing meanwhile makes this wait
    // (busy_timeout) instead of failing when a read-then-write transaction cannot upgrade.
    this.write(() => {
      // Checked inside the transaction: a switch by a rebuild cannot slip in between.
      const generations = this.generations(view);
      const target = generation ?? generations.active;
      if (!inUse(generations, target)) throw new StaleGeneration(view.name, target);
      // A generation being built (or a shadow) gets its key index when first read by key, and the
      // view's indexes when it becomes active: one sort costs far less than keeping them up to date.
      const table = this.table(view, target, target === generations.active ? 'indexes' : 'rows');
      const rowids = this.unkeyed.get(table);
      if (rowids) this.append(view, table, documents, rowids);
      else {
        const upsert = this.upsert(view, table, 'newer');
        for (const doc of documents) upsert(doc);
      }
      // The first parking of an event stands: a batch committed again after a crash parks it again.
      const park = this.statement(
        `INSERT INTO parked_events (view, generation, position, stream, revision, type, event_id, error, parked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      );
      for (const p of parked) park.run(view.name, target, p.position, p.stream, p.revision, p.type, p.eventId, p.error, p.parkedAt);
      this.statement(
        `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
         WHERE excluded.position > projection_checkpoints.position`,
      ).run(checkpointName(view, target), positionKey(checkpoint), Date.now());
    });
  }

  /**
   * Runs a write transaction (IMMEDIATE) that may create the table it writes to. If it fails, a
   * table, its indexes or appended rows may have been undone with it: the store forgets what it
   * knew of its tables (rowids included) and looks at the file again at their next use.
   */
  private write<T>(run: () => T): T {
    try {
      return this.db.transaction(run).immediate();
    } catch (error) {
      for (const table of [...this.created]) this.forget(table);
      throw error;
    }
  }

  /**
   * Writes documents to a table without its key index: a document this store wrote before is
   * updated at its rowid (only over an older one, as an upsert would), any other is appended.
   */
  private append<V extends ViewDocument>(view: ViewDefinition<V>, table: string, documents: readonly V[], rowids: Map<string, number | bigint>): void {
    const keys = view.keys.map((k) => column(k.field));
    const columns = documentColumns(view);
    const insert = this.statement(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    const update = this.statement(`UPDATE ${table} SET ${[...keys, 'position', 'doc'].map((c) => `${c} = ?`).join(', ')} WHERE rowid = ? AND position < ?`);
    for (const doc of documents) {
      const key = rowKey(doc);
      const values = [...view.keys.map((k) => k.of(doc)), doc.position, JSON.stringify(doc)];
      const rowid = rowids.get(key);
      if (rowid !== undefined) update.run(...values, rowid, doc.position);
      else rowids.set(key, insert.run(doc.partnerId, doc.id, ...values).lastInsertRowid);
    }
  }

  async checkpoint(view: ViewDefinition, generation?: number): Promise<Position | null> {
    const name = checkpointName(view, generation ?? this.generations(view).active);
    const row = this.statement('SELECT position FROM projection_checkpoints WHERE name = ?').get(name) as { position: string } | undefined;
    return row ? positionFromKey(row.position) : null;
  }

  async parked(view: ViewDefinition, generation?: number): Promise<ParkedEvent[]> {
    const rows = this.statement('SELECT * FROM parked_events WHERE view = ? AND generation = ? ORDER BY position').all(
      view.name,
      generation ?? this.generations(view).active,
    ) as ParkedRow[];
    return rows.map((r) => ({
      projection: view.name,
      generation: r.generation,
      position: r.position,
      stream: r.stream,
      revision: r.revision,
      type: r.type,
      eventId: r.event_id,
      error: r.error,
      parkedAt: r.parked_at,
    }));
  }

  async countParked(view: ViewDefinition, generation?: number): Promise<number> {
    const row = this.statement('SELECT count(*) AS n FROM parked_events WHERE view = ? AND generation = ?').get(
      view.name,
      generation ?? this.generations(view).active,
    ) as { n: number };
    return row.n;
  }

  async unpark(view: ViewDefinition, generation: number, position: string): Promise<boolean> {
    return this.statement('DELETE FROM parked_events WHERE view = ? AND generation = ? AND position = ?').run(view.name, generation, position).changes > 0;
  }

  async replaceRetried<V extends ViewDocument>(
    view: ViewDefinition<V>,
    generation: number,
    document: V,
    expectedPosition: string | null,
    positions: readonly string[],
  ): Promise<boolean> {
    return this.write(() => {
      const generations = this.generations(view);
      if (!inUse(generations, generation)) throw new StaleGeneration(view.name, generation);
      const table = this.table(view, generation, generation === generations.active ? 'indexes' : 'keys');
      const stored = this.statement(`SELECT position FROM ${table} WHERE partner_id = ? AND id = ?`).get(document.partnerId, document.id) as
        | { position: string }
        | undefined;
      if ((stored?.position ?? null) !== expectedPosition) return false;
      this.upsert(view, table, 'always')(document);
      const unpark = this.statement('DELETE FROM parked_events WHERE view = ? AND generation = ? AND position = ?');
      for (const position of positions) unpark.run(view.name, generation, position);
      return true;
    });
  }

  async activeGeneration(view: ViewDefinition): Promise<number> {
    return this.generations(view).active;
  }

  async beginRebuild(view: ViewDefinition): Promise<number> {
    return this.db.transaction(() => {
      const generations = this.dropRetired(view);
      if (generations.building !== null) return generations.building;
      const building = generations.last + 1;
      this.save(view, { ...generations, building, last: building });
      return building;
    }).immediate();
  }

  async finishRebuild(view: ViewDefinition, generation: number): Promise<void> {
    // The indexes first, outside the switch: only this rebuild writes to the generation it builds.
    if (this.generations(view).building === generation) this.table(view, generation, 'indexes');
    this.db.transaction(() => {
      const generations = this.generations(view);
      if (generations.building !== generation) throw new StaleGeneration(view.name, generation);
      this.table(view, generation, 'indexes');
      this.save(view, { ...generations, active: generation, building: null, retired: [...(generations.retired ?? []), generations.active] });
    }).immediate();
  }

  /**
   * Fills a generation being rebuilt from its parts, each projected by a worker of a rebuild in
   * parts into a view file of its own (`generation` there): their documents and parked events are
   * copied in, and the generation's checkpoint set to the earliest of theirs, in one transaction.
   * A part's events after that checkpoint are applied again when the rebuild catches up, which
   * changes nothing (projections apply only events newer than a document).
   */
  async absorbParts(view: ViewDefinition, generation: number, parts: readonly { file: string; generation: number }[]): Promise<Position> {
    const aliases: string[] = [];
    try {
      parts.forEach((part, i) => {
        // ATTACH would create a missing file, empty: a part that is not there is an error of its own.
        if (!existsSync(part.file)) throw new Error(`Part ${i + 1} of the rebuild of ${view.name} is missing: ${part.file}`);
        this.db.prepare(`ATTACH DATABASE ? AS part${i}`).run(part.file);
        aliases.push(`part${i}`);
      });
      const absorb = () => {
        if (this.generations(view).building !== generation) throw new StaleGeneration(view.name, generation);
        // Copied into a table without indexes; its key index is sorted once after, for the
        // catch-up that follows, and the view's indexes at the switch.
        const table = this.table(view, generation, 'rows');
        const columns = documentColumns(view).join(', ');
        const checkpoints = parts.map((part, i) => {
          const row = this.db.prepare(`SELECT position FROM ${aliases[i]}.projection_checkpoints WHERE name = ?`).get(checkpointName(view, part.generation)) as
            | { position: string }
            | undefined;
          if (!row) throw new Error(`Part ${i + 1} of the rebuild of ${view.name} has no checkpoint: it never finished.`);
          this.db.prepare(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${aliases[i]}.${tableName(view, part.generation)}`).run();
          this.db
            .prepare(
              `INSERT INTO parked_events SELECT view, ?, position, stream, revision, type, event_id, error, parked_at
               FROM ${aliases[i]}.parked_events WHERE view = ? AND generation = ? ON CONFLICT DO NOTHING`,
            )
            .run(generation, view.name, part.generation);
          return row.position;
        });
        this.table(view, generation, 'keys');
        const earliest = checkpoints.reduce((a, b) => (a < b ? a : b));
        this.statement('INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (?, ?, ?)').run(checkpointName(view, generation), earliest, Date.now());
        return positionFromKey(earliest);
      };
      // Every document of the generation in one commit: its checkpoint is left to the thread.
      return withoutInlineCheckpoint(this.db, () => this.write(absorb));
    } finally {
      for (const alias of aliases) this.db.exec(`DETACH DATABASE ${alias}`);
    }
  }

  async createShadow(view: ViewDefinition): Promise<number> {
    return this.db.transaction(() => {
      const generations = this.dropRetired(view);
      const shadow = generations.last + 1;
      this.save(view, { ...generations, shadows: [...generations.shadows, shadow], last: shadow });
      return shadow;
    }).immediate();
  }

  async dropShadow(view: ViewDefinition, generation: number): Promise<void> {
    this.db.transaction(() => {
      const generations = this.generations(view);
      this.save(view, { ...generations, shadows: generations.shadows.filter((g) => g !== generation) });
      this.drop(view, generation);
    }).immediate();
  }

  async *documents<V extends ViewDocument>(view: ViewDefinition<V>, generation: number): AsyncIterable<V> {
    const select = this.statement(
      `SELECT partner_id, id, doc FROM ${this.table(view, generation, 'keys')} WHERE (partner_id, id) > (?, ?) ORDER BY partner_id, id LIMIT 1000`,
    );
    for (let after = ['', '']; ; ) {
      const rows = select.all(after[0], after[1]) as { partner_id: string; id: string; doc: string }[];
      for (const row of rows) yield JSON.parse(row.doc) as V;
      if (rows.length < 1000) return;
      after = [rows[rows.length - 1].partner_id, rows[rows.length - 1].id];
    }
  }

  /** The table serving reads of a view, for the view's own reader. */
  activeTable(view: ViewDefinition): string {
    return this.table(view, this.generations(view).active, 'indexes');
  }

  /** A prepared statement, made once per SQL text. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    await this.releaseCheckpoints();
  }

  /**
   * Writes a document with its derived keys: a projection's only over an older one ('newer'); a
   * retry's ('always') after checking itself that nothing wrote the document meanwhile.
   */
  private upsert<V extends ViewDocument>(view: ViewDefinition<V>, table: string, when: 'newer' | 'always'): (doc: V) => void {
    const keys = view.keys.map((k) => column(k.field));
    const columns = documentColumns(view);
    const upsert = this.statement(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
       ON CONFLICT (partner_id, id) DO UPDATE SET ${[...keys, 'position', 'doc'].map((c) => `${c} = excluded.${c}`).join(', ')}
       ${when === 'newer' ? `WHERE excluded.position > ${table}.position` : ''}`,
    );
    return (doc) => upsert.run(doc.partnerId, doc.id, ...view.keys.map((k) => k.of(doc)), doc.position, JSON.stringify(doc));
  }

  private generations(view: ViewDefinition): Generations {
    const row = this.statement('SELECT generations FROM view_generations WHERE view = ?').get(view.name) as { generations: string } | undefined;
    return row ? (JSON.parse(row.generations) as Generations) : FIRST_GENERATIONS;
  }

  /** Drops generations replaced by an earlier rebuild: no read can still be on them. */
  private dropRetired(view: ViewDefinition): Generations {
    const generations = this.generations(view);
    for (const generation of generations.retired ?? []) this.drop(view, generation);
    const kept = { ...generations, retired: [] };
    this.save(view, kept);
    return kept;
  }

  private save(view: ViewDefinition, generations: Generations): void {
    this.statement('INSERT INTO view_generations (view, generations) VALUES (?, ?) ON CONFLICT (view) DO UPDATE SET generations = excluded.generations').run(
      view.name,
      JSON.stringify(generations),
    );
  }

  /**
   * The table of one generation, created with the view's key columns on first use, with what the
   * caller needs: its `rows` (a table this store creates for a generation that is not the active
   * one is left without its key index), its `keys` (the key index), or its `indexes` (the view's too).
   */
  private table(view: ViewDefinition, generation: number, needs: 'rows' | 'keys' | 'indexes'): string {
    const name = tableName(view, generation);
    if (!this.created.has(name)) {
      const keys = view.keys.map((k) => `${column(k.field)} TEXT, `).join('');
      const exists = () => this.statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
      // A table that exists needs no lock (reads come this way). A missing one is checked again and
      // created in one write transaction: of two processes, only one can find it missing.
      const fresh =
        !exists() &&
        this.db.transaction(() => {
          if (exists()) return false;
          this.db.exec(`CREATE TABLE ${name} (partner_id TEXT NOT NULL, id TEXT NOT NULL, ${keys}position TEXT NOT NULL, doc TEXT NOT NULL)`);
          return true;
        }).immediate();
      this.created.add(name);
      if (fresh && needs === 'rows' && generation !== this.generations(view).active) this.unkeyed.set(name, new Map());
      else this.addKeyIndex(name);
    }
    if (needs !== 'rows' && this.unkeyed.delete(name)) this.addKeyIndex(name);
    if (needs === 'indexes' && !this.indexed.has(name)) {
      for (const index of view.indexes) {
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${name}_by_${index.name} ON ${name} (partner_id, ${index.fields.map(column).join(', ')})`);
      }
      this.indexed.add(name);
    }
    return name;
  }

  /** The unique key index; a table made before there was one has its primary key instead. */
  private addKeyIndex(table: string): void {
    const indexes = this.db.pragma(`index_list(${table})`) as { origin: string }[];
    if (!indexes.some((i) => i.origin === 'pk')) this.db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${table}_key ON ${table} (partner_id, id)`);
  }

  private drop(view: ViewDefinition, generation: number): void {
    const name = tableName(view, generation);
    this.db.exec(`DROP TABLE IF EXISTS ${name}`);
    this.statement('DELETE FROM projection_checkpoints WHERE name = ?').run(checkpointName(view, generation));
    this.statement('DELETE FROM parked_events WHERE view = ? AND generation = ?').run(view.name, generation);
    this.forget(name);
  }

  /** Forgets what this store knew of a table: the next use looks at the file again. */
  private forget(table: string): void {
    for (const sql of this.statements.keys()) if (sql.includes(table)) this.statements.delete(sql);
    this.created.delete(table);
    this.indexed.delete(table);
    this.unkeyed.delete(table);
  }
}

interface ParkedRow {
  generation: number;
  position: string;
  stream: string;
  revision: number;
  type: string;
  event_id: string;
  error: string;
  parked_at: string;
}

function tableName(view: ViewDefinition, generation: number): string {
  return `${view.storedAs}_g${generation}`;
}

/** A generation table's columns, as every write names them. */
function documentColumns(view: ViewDefinition): string[] {
  return ['partner_id', 'id', ...view.keys.map((k) => column(k.field)), 'position', 'doc'];
}

function checkpointName(view: ViewDefinition, generation: number): string {
  return `${view.name}#${generation}`;
}

function rowKey(key: DocumentKey): string {
  return `${key.partnerId}/${key.id}`;
}

/** `nameKey` → `name_key`. */
function column(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
