import { openSqlite } from '@app/platform';
import type Database from 'better-sqlite3';
import { DataKeyStore } from './data-key-store';
import { WrappedDataKey } from './master-keys';

interface Row {
  stream: string;
  key_id: string;
  wrapped: string;
  master_key_id: string;
}

const toKey = (row: Row): WrappedDataKey => ({ stream: row.stream, keyId: row.key_id, wrapped: row.wrapped, masterKeyId: row.master_key_id });

/**
 * The embedded key store (`keys.sqlite`). SQLite keeps deleted rows in free pages and old page
 * versions in the WAL, and a wrapped key left there could still be unwrapped with the master key:
 * so `secure_delete` zeroes what a delete frees, and every erase ends with a truncating checkpoint
 * that empties the WAL. `synchronous=FULL`: a lost key is lost personal data.
 */
export class SqliteDataKeyStore implements DataKeyStore {
  private readonly db: Database.Database;
  // Prepared once: every detail read looks up its stream's key and erasure, and preparing a
  // statement costs more than the lookup.
  private readonly sql;

  constructor(file: string) {
    this.db = openSqlite(file, 'FULL');
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS data_keys (stream TEXT PRIMARY KEY, key_id TEXT NOT NULL, wrapped TEXT NOT NULL, master_key_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS erasures (stream TEXT PRIMARY KEY, through_revision TEXT NOT NULL);
    `);
    this.sql = {
      find: this.db.prepare('SELECT * FROM data_keys WHERE stream = ?'),
      add: this.db.prepare('INSERT INTO data_keys (stream, key_id, wrapped, master_key_id) VALUES (?, ?, ?, ?) ON CONFLICT (stream) DO NOTHING'),
      delete: this.db.prepare('DELETE FROM data_keys WHERE stream = ?'),
      erased: this.db.prepare('SELECT through_revision FROM erasures WHERE stream = ?'),
      markErased: this.db.prepare(
        'INSERT INTO erasures (stream, through_revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET through_revision = excluded.through_revision',
      ),
      all: this.db.prepare('SELECT * FROM data_keys ORDER BY stream'),
      rewrap: this.db.prepare('UPDATE data_keys SET wrapped = ?, master_key_id = ? WHERE stream = ? AND key_id = ?'),
    };
  }

  async find(stream: string): Promise<WrappedDataKey | null> {
    const row = this.sql.find.get(stream) as Row | undefined;
    return row ? toKey(row) : null;
  }

  async findOrAdd(key: WrappedDataKey): Promise<WrappedDataKey> {
    this.sql.add.run(key.stream, key.keyId, key.wrapped, key.masterKeyId);
    return (await this.find(key.stream))!;
  }

  async erase(stream: string, throughRevision: bigint): Promise<void> {
    const previous = await this.erasedThrough(stream);
    const through = previous !== null && previous > throughRevision ? previous : throughRevision;
    this.db.transaction(() => {
      this.sql.delete.run(stream);
      this.sql.markErased.run(stream, String(through));
    })();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async erasedThrough(stream: string): Promise<bigint | null> {
    const row = this.sql.erased.get(stream) as { through_revision: string } | undefined;
    return row ? BigInt(row.through_revision) : null;
  }

  async *all(): AsyncIterable<WrappedDataKey> {
    for (const row of this.sql.all.all() as Row[]) yield toKey(row);
  }

  async rewrap(key: WrappedDataKey): Promise<void> {
    this.sql.rewrap.run(key.wrapped, key.masterKeyId, key.stream, key.keyId);
    // The old wrapping is as good as the old master key: leave no copy of it behind either.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
