import Database from 'better-sqlite3';

/**
 * Opens an embedded store's SQLite file in WAL mode (readers never block the writer, and other
 * processes on the same machine may open it too). `FULL` fsyncs every commit: for what must survive
 * a power cut. `NORMAL` survives a process crash: for what can be rebuilt or retried.
 */
export function openSqlite(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  return db;
}
