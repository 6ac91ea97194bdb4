import Database from 'better-sqlite3';

/**
 * How long a call waits for another process's write lock (a rebuild, a second projector). The
 * wait blocks this whole process (better-sqlite3 is synchronous), so it is kept below the bound
 * a request must answer within (SQLITE_BUSY_TIMEOUT_MS).
 */
export const DEFAULT_SQLITE_BUSY_MS = 1000;

/**
 * Opens an embedded store's SQLite file in WAL mode (readers never block the writer, and other
 * processes on the same machine may open it too). `FULL` fsyncs every commit: for what must survive
 * a power cut. `NORMAL` survives a process crash: for what can be rebuilt or retried. `OFF` never
 * fsyncs and survives a process crash but not the machine's: for scratch files that are not trusted
 * after a restart.
 */
export function openSqlite(file: string, synchronous: 'FULL' | 'NORMAL' | 'OFF', busyTimeoutMs = DEFAULT_SQLITE_BUSY_MS): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}
