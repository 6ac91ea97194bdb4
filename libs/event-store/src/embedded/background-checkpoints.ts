import type Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * How far a connection handed to the thread lets its WAL grow before a commit checkpoints it there
 * and then, as SQLite does by default at 1,000 pages: 10,000 pages (40 MB), a backstop should the
 * thread fall behind or be gone.
 */
export const BACKSTOP_PAGES = 10_000;
/** How often the thread checkpoints each file. */
const INTERVAL_MS = 200;

/**
 * The thread's whole program, plain JavaScript so it runs the same from the build and under Jest:
 * a connection of its own to each file, checkpointed PASSIVE (it never waits for a lock, and never
 * holds up a reader or a writer). A round that fails is tried again at the next. NORMAL is set
 * for what it says: a checkpoint fsyncs the WAL before it copies and the file after, whatever the
 * driver's build default.
 */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const files = new Map();
const checkpoint = (db) => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
};
setInterval(() => files.forEach(checkpoint), workerData.intervalMs);
parentPort.on('message', ({ id, add, remove, now }) => {
  if (now) return files.has(now) && checkpoint(files.get(now));
  try {
    if (add && !files.has(add)) {
      const db = new Database(add, { fileMustExist: true });
      db.pragma('synchronous = NORMAL');
      files.set(add, db);
    }
    if (remove) {
      files.get(remove)?.close();
      files.delete(remove);
    }
    // Only a removal is waited on; a failure is always told.
    if (id !== undefined) parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: (add || remove) + ': ' + error.message });
  }
});
`;

/**
 * WAL checkpoints on a thread of their own. By default the commit that takes a WAL past 1,000 pages
 * copies them into the database file and fsyncs it, on the event loop (better-sqlite3 is
 * synchronous): 10–40 ms at a million customers, for whatever request made that commit. Handed
 * here, the connection's commits only append; one thread per process checkpoints every such file
 * five times a second. Returns what gives the file up again (when the store closes; every call
 * waits for the same end, after which this process holds no connection to the file); the thread
 * ends with its last file.
 */
export function checkpointInBackground(db: Database.Database): () => Promise<void> {
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  // A WAL that a large write grew is cut back to the backstop's size once it starts over.
  db.pragma(`journal_size_limit = ${BACKSTOP_PAGES * Number(db.pragma('page_size', { simple: true }))}`);
  // Absolute: the thread opens it itself.
  const file = resolve(db.name);
  thread.hold(file);
  let released: Promise<void> | undefined;
  return () => (released ??= thread.letGo(file));
}

/**
 * Runs one write without the backstop: a write of hundreds of MB (a rebuild absorbing its parts)
 * would otherwise, at its commit, copy them all into the file and fsync it while the caller waits.
 * The thread is told to checkpoint them at once instead, beside what the caller does next. As with
 * a checkpoint at the commit, pages a reader still needs the state before them for are left to
 * the next round, or to the next commit past the backstop, of this or another process.
 */
export function withoutInlineCheckpoint<T>(db: Database.Database, write: () => T): T {
  // A BigInt on a connection that reads integers as such: either prints the same.
  const pages = db.pragma('wal_autocheckpoint', { simple: true }) as number | bigint;
  db.pragma('wal_autocheckpoint = 0');
  try {
    return write();
  } finally {
    db.pragma(`wal_autocheckpoint = ${pages}`);
    thread.checkpointNow(resolve(db.name));
  }
}

/** The process's one checkpoint thread: started with its first file, stopped after its last. */
const thread = new (class CheckpointThread {
  /** Each file handed over, with how many connections of this process handed it over. */
  private readonly files = new Map<string, number>();
  private current: { worker: Worker; replies: Map<number, () => void> } | null = null;
  private nextId = 0;

  hold(file: string): void {
    const holders = (this.files.get(file) ?? 0) + 1;
    this.files.set(file, holders);
    if (holders > 1) return;
    // A thread that starts takes every file held (start below); a running one is told of this one.
    if (this.current) this.current.worker.postMessage({ add: file });
    else this.start();
  }

  /** Asks the thread to checkpoint a file it holds now, not at its next round. */
  checkpointNow(file: string): void {
    if (this.files.has(file)) this.current?.worker.postMessage({ now: file });
  }

  /** Resolves once no connection of this process is left on the file: the thread's closed too. */
  async letGo(file: string): Promise<void> {
    const holders = (this.files.get(file) ?? 1) - 1;
    if (holders > 0) return void this.files.set(file, holders);
    this.files.delete(file);
    await this.removeAndWait(file);
    if (this.files.size === 0) await this.stop();
  }

  /** Resolves once the thread has closed its connection to the file, or is gone. */
  private removeAndWait(file: string): Promise<void> {
    const { worker, replies } = this.current ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      replies.set(id, resolve);
      // Kept alive while a store waits on it (a close), and never otherwise.
      worker.ref();
      worker.postMessage({ id, remove: file });
    });
  }

  private async stop(): Promise<void> {
    const current = this.current;
    this.current = null;
    if (current) await current.worker.terminate();
  }

  private start(): NonNullable<CheckpointThread['current']> {
    const worker = new Worker(PROGRAM, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), intervalMs: INTERVAL_MS } });
    worker.unref();
    const current = { worker, replies: new Map<number, () => void>() };
    worker.on('message', ({ id, error }: { id?: number; error?: string }) => {
      // The file stays with its commits' backstop: slower commits, nothing lost.
      if (error) process.emitWarning(`WAL checkpoints stay on the event loop for a file: ${error}`);
      if (id === undefined) return;
      current.replies.get(id)?.();
      current.replies.delete(id);
      if (current.replies.size === 0) worker.unref();
    });
    // Gone (stopped, or it failed): what waits on it is let go, and the next hand-over or close
    // starts another, which takes over every file still held.
    worker.on('exit', () => {
      if (this.current === current) this.current = null;
      for (const done of current.replies.values()) done();
      current.replies.clear();
    });
    worker.on('error', (error) => process.emitWarning(`The WAL checkpoint thread failed: ${error.message}`));
    this.current = current;
    for (const file of this.files.keys()) worker.postMessage({ add: file });
    return current;
  }
})();
