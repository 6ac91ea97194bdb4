import Database from 'better-sqlite3';
import { LeaseStore } from '../lease';

/** Projector leases beside the embedded views, for projectors in several processes on one machine. */
export class SqliteLeaseStore implements LeaseStore {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS projector_leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)');
    this.sql = {
      acquire: this.db.prepare(
        `INSERT INTO projector_leases (name, owner, expires_at) VALUES (@name, @owner, @expiresAt)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE projector_leases.owner = excluded.owner OR projector_leases.expires_at < @now`,
      ),
      release: this.db.prepare('DELETE FROM projector_leases WHERE name = ? AND owner = ?'),
    };
  }

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    return this.sql.acquire.run({ name, owner, expiresAt: now + ttlMs, now }).changes === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    this.sql.release.run(name, owner);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
