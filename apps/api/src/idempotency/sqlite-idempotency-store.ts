import type Database from 'better-sqlite3';
import { openSqlite } from '@app/platform';
import { IdempotencyRecord, IdempotencyStore } from './idempotency-store';

/**
 * Embedded idempotency records. synchronous=NORMAL is enough here: a record lost to power failure
 * only means a retry runs the command again, and the command's deterministic id makes that
 * return the first answer without writing twice.
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(file: string, busyTimeoutMs?: number) {
    this.db = openSqlite(file, 'NORMAL', busyTimeoutMs);
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      partner_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, response TEXT,
      created_at INTEGER NOT NULL, PRIMARY KEY (partner_id, key))`);
    this.sql = {
      find: this.db.prepare('SELECT request_hash, response FROM idempotency_keys WHERE partner_id = ? AND key = ?'),
      reserve: this.db.prepare(
        'INSERT INTO idempotency_keys (partner_id, key, request_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      complete: this.db.prepare(
        `INSERT INTO idempotency_keys (partner_id, key, request_hash, response, created_at) VALUES (@partnerId, @key, @requestHash, @response, @now)
         ON CONFLICT (partner_id, key) DO UPDATE SET response = excluded.response WHERE request_hash = excluded.request_hash`,
      ),
      release: this.db.prepare('DELETE FROM idempotency_keys WHERE partner_id = ? AND key = ? AND response IS NULL'),
    };
  }

  async find(partnerId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = this.sql.find.get(partnerId, key) as { request_hash: string; response: string | null } | undefined;
    if (!row) return null;
    return row.response === null ? { requestHash: row.request_hash } : { requestHash: row.request_hash, response: JSON.parse(row.response) };
  }

  async reserve(partnerId: string, key: string, requestHash: string): Promise<boolean> {
    return this.sql.reserve.run(partnerId, key, requestHash, Date.now()).changes === 1;
  }

  async complete(partnerId: string, key: string, requestHash: string, response: unknown): Promise<void> {
    this.sql.complete.run({ partnerId, key, requestHash, response: JSON.stringify(response), now: Date.now() });
  }

  async release(partnerId: string, key: string): Promise<void> {
    this.sql.release.run(partnerId, key);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
