import type Database from 'better-sqlite3';
import { checkpointInBackground } from '@app/event-store';
import { openSqlite } from '@app/platform';
import { DEFAULT_RETENTION, expiredBefore, IdempotencyRecord, IdempotencyStore, Retention } from './idempotency-store';

/** How often expired records are deleted, and how many at a time (each batch blocks the event loop briefly). */
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 1_000;

/**
 * Embedded idempotency records. synchronous=NORMAL is enough here: a record lost to power failure
 * only means a retry runs the command again, and the command's deterministic id makes that
 * return the first answer without writing twice.
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly sql;
  private readonly sweeper: NodeJS.Timeout;
  private readonly releaseCheckpoints: () => Promise<void>;

  constructor(
    file: string,
    private readonly retention: Retention = DEFAULT_RETENTION,
    busyTimeoutMs?: number,
  ) {
    this.db = openSqlite(file, 'NORMAL', busyTimeoutMs);
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      partner_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, response TEXT,
      created_at INTEGER NOT NULL, PRIMARY KEY (partner_id, key))`);
    this.db.exec('CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_at)');
    this.sql = {
      // Expired records count as absent until the sweep deletes them.
      find: this.db.prepare('SELECT request_hash, response FROM idempotency_keys WHERE partner_id = ? AND key = ? AND created_at > ?'),
      // A key held by an expired record is taken over, as if the record were gone.
      reserve: this.db.prepare(
        `INSERT INTO idempotency_keys (partner_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (partner_id, key) DO UPDATE SET request_hash = excluded.request_hash, response = NULL, created_at = excluded.created_at
         WHERE created_at <= ?`,
      ),
      complete: this.db.prepare(
        `INSERT INTO idempotency_keys (partner_id, key, request_hash, response, created_at) VALUES (@partnerId, @key, @requestHash, @response, @now)
         ON CONFLICT (partner_id, key) DO UPDATE SET response = excluded.response WHERE request_hash = excluded.request_hash`,
      ),
      release: this.db.prepare('DELETE FROM idempotency_keys WHERE partner_id = ? AND key = ? AND response IS NULL'),
      sweep: this.db.prepare(`DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at <= ? LIMIT ${SWEEP_BATCH})`),
    };
    this.sweeper = setInterval(() => void this.deleteExpired(), SWEEP_INTERVAL_MS).unref();
    // Written on the command path: its commits leave the WAL to the checkpoint thread.
    this.releaseCheckpoints = checkpointInBackground(this.db);
  }

  /** Deletes every expired record, a batch at a time with the event loop free in between; returns how many. */
  async deleteExpired(): Promise<number> {
    let deleted = 0;
    for (;;) {
      if (!this.db.open) return deleted;
      const { changes } = this.sql.sweep.run(expiredBefore(this.retention).getTime());
      deleted += changes;
      if (changes < SWEEP_BATCH) return deleted;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async find(partnerId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = this.sql.find.get(partnerId, key, expiredBefore(this.retention).getTime()) as { request_hash: string; response: string | null } | undefined;
    if (!row) return null;
    return row.response === null ? { requestHash: row.request_hash } : { requestHash: row.request_hash, response: JSON.parse(row.response) };
  }

  async reserve(partnerId: string, key: string, requestHash: string): Promise<boolean> {
    return this.sql.reserve.run(partnerId, key, requestHash, this.now(), expiredBefore(this.retention).getTime()).changes === 1;
  }

  async complete(partnerId: string, key: string, requestHash: string, response: unknown): Promise<void> {
    this.sql.complete.run({ partnerId, key, requestHash, response: JSON.stringify(response), now: this.now() });
  }

  async release(partnerId: string, key: string): Promise<void> {
    this.sql.release.run(partnerId, key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    if (this.db.open) this.db.close();
    await this.releaseCheckpoints();
  }

  private now(): number {
    return this.retention.clock.now().getTime();
  }
}
