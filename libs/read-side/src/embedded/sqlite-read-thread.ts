import { Worker } from 'node:worker_threads';

/** Rows of one read statement, run off the event loop. */
export interface SqliteReads {
  all<R>(sql: string, params: Record<string, unknown>): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * The thread's whole program, plain JavaScript so it runs the same from the build and under Jest:
 * its own connection to the view file (WAL: it reads beside the writer and sees each commit whole)
 * and a statement cache by SQL text.
 */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const statements = new Map();
parentPort.on('message', ({ id, sql, params }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 64) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(params) });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
`;

type Pending = { resolve: (rows: unknown[]) => void; reject: (error: Error) => void };
type Reply = { id: number; rows?: unknown[]; error?: { message: string; code?: string } };

/**
 * The embedded list's reads on a thread of their own. better-sqlite3 is synchronous, so a search
 * that walks many index entries would otherwise hold the event loop, and every other request with
 * it; here it holds only this thread, while the main one keeps serving (issue 10). A thread that
 * dies fails what it was running, and the next read starts another.
 */
export class SqliteReadThread implements SqliteReads {
  private thread: { worker: Worker; pending: Map<number, Pending> } | null = null;
  private nextId = 0;

  constructor(
    private readonly file: string,
    private readonly busyTimeoutMs: number,
  ) {}

  all<R>(sql: string, params: Record<string, unknown>): Promise<R[]> {
    const { worker, pending } = this.thread ?? this.start();
    const id = this.nextId++;
    return new Promise<R[]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      worker.ref();
      worker.postMessage({ id, sql, params });
    });
  }

  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    if (thread) await thread.worker.terminate();
  }

  private start(): NonNullable<SqliteReadThread['thread']> {
    const worker = new Worker(PROGRAM, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: this.file, busyTimeoutMs: this.busyTimeoutMs },
    });
    const thread = { worker, pending: new Map<number, Pending>() };
    // Idle, it keeps no process alive; a read in flight does (ref() above, unref() when none is left).
    worker.unref();
    worker.on('message', ({ id, rows, error }: Reply) => {
      const waiting = thread.pending.get(id);
      thread.pending.delete(id);
      if (thread.pending.size === 0) worker.unref();
      if (error) waiting?.reject(Object.assign(new Error(error.message), { code: error.code }));
      else waiting?.resolve(rows ?? []);
    });
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = null;
      for (const { reject } of thread.pending.values()) reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the view read thread exited (code ${code})`)));
    this.thread = thread;
    return thread;
  }
}
