import type Database from 'better-sqlite3';
import { checkpointInBackground } from '@app/event-store/core';
import { openSqlite } from '@app/platform/core';
import { hostname } from 'node:os';
import { LeaseStore } from '../lease';

/**
 * Projector leases beside the embedded views, for projectors in several processes on one machine.
 * All claimants share this machine, so a lease whose holder process has died (killed, crashed) is
 * taken over at once instead of after its expiry: a restarted service projects immediately.
 */
export class SqliteLeaseStore implements LeaseStore {
  private readonly db: Database.Database;
  private readonly sql;
  private readonly releaseCheckpoints: () => Promise<void>;

  constructor(file: string, busyTimeoutMs?: number) {
    this.db = openSqlite(file, 'NORMAL', busyTimeoutMs);
    this.db.exec('CREATE TABLE IF NOT EXISTS projector_leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)');
    this.sql = {
      acquire: this.db.prepare(
        `INSERT INTO projector_leases (name, owner, expires_at) VALUES (@name, @owner, @expiresAt)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE projector_leases.owner = excluded.owner OR projector_leases.expires_at < @now`,
      ),
      release: this.db.prepare('DELETE FROM projector_leases WHERE name = ? AND owner = ?'),
      holder: this.db.prepare('SELECT owner FROM projector_leases WHERE name = ?'),
      takeOver: this.db.prepare('UPDATE projector_leases SET owner = @owner, expires_at = @expiresAt WHERE name = @name AND owner = @dead'),
    };
    // It shares the views' file: its commits leave that WAL to the checkpoint thread too.
    this.releaseCheckpoints = checkpointInBackground(this.db);
  }

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if (this.sql.acquire.run({ name, owner, expiresAt: now + ttlMs, now }).changes === 1) return true;
    const holder = (this.sql.holder.get(name) as { owner: string } | undefined)?.owner;
    if (!holder || isAlive(holder)) return false;
    return this.sql.takeOver.run({ name, owner, expiresAt: now + ttlMs, dead: holder }).changes === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    this.sql.release.run(name, owner);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    await this.releaseCheckpoints();
  }
}

/** Owners are `host:pid:…`; a holder on this host whose process is gone is dead. */
function isAlive(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
