import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import {
  AllFilter,
  AppendResult,
  CountAllOptions,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  WrongExpectedVersion,
} from '../event-store';
import { START } from '../position';
import { checkpointInBackground } from './background-checkpoints';
import { PollingSubscription } from './polling-subscription';

/**
 * A stored event as its reads return it: an array in `COLUMNS` order. Arrays, not objects: a
 * rebuild reads every event, and making an object per row cost it 40 % of its reading.
 */
const COLUMNS = 'position, stream, revision, id, type, data, metadata, created';
type Row = [position: bigint, stream: string, revision: bigint, id: string, type: string, data: string, metadata: string, created: bigint];

interface PendingAppend {
  readonly stream: string;
  readonly events: readonly { id: string; type: string; data: string; metadata: string }[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: Error) => void;
}

const NO_STREAM = -1n;

export interface SqliteEventStoreOptions {
  /** How often a subscription looks for events another process appended. */
  readonly pollIntervalMs?: number;
  /** How long a write waits for another process's lock before it fails. */
  readonly busyTimeoutMs?: number;
  /**
   * Opens an existing log for reading only: appends fail, and no checkpoint thread is started.
   * SQLite may still make the WAL's `-wal` and `-shm` files beside it, and leave them.
   */
  readonly readOnly?: boolean;
}

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged
 * append survives a crash or power loss. Appends arriving together are group-committed: one
 * transaction and one fsync for the whole group, each append still checked on its own.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly sql;
  /** The last revision this instance appended per stream (see knownLastRevision), most recent last. */
  private readonly lastAppended = new Map<string, bigint>();
  private seenDataVersion: bigint;
  private readonly releaseCheckpoints: () => Promise<void>;

  private readonly pollIntervalMs: number;
  private readonly readOnly: boolean;

  constructor(file: string, { pollIntervalMs = 250, busyTimeoutMs = 1000, readOnly = false }: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = pollIntervalMs;
    this.readOnly = readOnly;
    this.db = new Database(file, { readonly: readOnly });
    try {
      // Waiting for another process's lock blocks this one: kept short (SQLITE_BUSY_TIMEOUT_MS).
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      if (!readOnly) {
        // WAL: readers never block the writer, and other processes may open the file too. FULL: an
        // acknowledged append has been fsynced, so it survives a power cut.
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = FULL');
        this.db.exec(`
          CREATE TABLE IF NOT EXISTS events (
            position INTEGER PRIMARY KEY AUTOINCREMENT,
            stream   TEXT    NOT NULL,
            revision INTEGER NOT NULL,
            id       TEXT    NOT NULL,
            type     TEXT    NOT NULL,
            data     TEXT    NOT NULL,
            metadata TEXT    NOT NULL,
            created  INTEGER NOT NULL,
            UNIQUE (stream, revision)
          );
          CREATE INDEX IF NOT EXISTS events_by_id ON events (stream, id);
        `);
      }
      this.db.defaultSafeIntegers(true);
      this.appended.setMaxListeners(0);
      this.sql = {
        // Changes when another connection (another process) commits to the file; never for our own.
        dataVersion: this.db.prepare('PRAGMA data_version').pluck(),
        lastRevision: this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
        byId: this.db.prepare('SELECT revision FROM events WHERE stream = ? AND id = ?'),
        at: this.db.prepare('SELECT position, id FROM events WHERE stream = ? AND revision = ?'),
        insert: this.db.prepare(
          'INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ),
        forwards: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`).raw(),
        backwards: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`).raw(),
        allForwards: this.db
          .prepare(
            `SELECT ${COLUMNS} FROM events WHERE position > @after AND substr(stream, 1, length(@prefix)) = @prefix
             AND unicode(substr(stream, -1)) % @parts = @part ORDER BY position LIMIT @limit`,
          )
          .raw(),
        // Counted off the rows' keys and stream names in the engine: nothing is copied out or decoded.
        countForwards: this.db
          .prepare(
            `SELECT count(*) FROM (SELECT 1 FROM events WHERE position > @after AND substr(stream, 1, length(@prefix)) = @prefix
             AND unicode(substr(stream, -1)) % @parts = @part LIMIT @limit)`,
          )
          .pluck(),
        allBackwards: this.db
          .prepare(
            `SELECT ${COLUMNS} FROM events WHERE position < @after AND substr(stream, 1, length(@prefix)) = @prefix
             AND unicode(substr(stream, -1)) % @parts = @part ORDER BY position DESC LIMIT @limit`,
          )
          .raw(),
      };
      this.seenDataVersion = this.sql.dataVersion.get() as bigint;
      // Off the event loop: an append's commit never copies the WAL into the file. A reader appends
      // nothing, so it starts no thread (a rebuild's parts start faster without one).
      this.releaseCheckpoints = readOnly ? async () => undefined : checkpointInBackground(this.db);
    } catch (error) {
      // Whatever fails here (a file without the events table opened read-only, a lock held past the
      // busy timeout, a file that is not a database) closes the file now, not when the collector finds it.
      this.db.close();
      throw error;
    }
  }

  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('The event store is closed.'));
    if (this.readOnly) return Promise.reject(new Error('The event store was opened for reading only.'));
    if (events.length === 0) return Promise.reject(new Error('Nothing to append.'));
    let serialized: PendingAppend['events'];
    try {
      serialized = events.map((e) => ({
        id: e.id,
        type: e.type,
        // `undefined` has no JSON form; store it as null rather than fail the whole group's transaction.
        data: JSON.stringify(e.data ?? null),
        metadata: JSON.stringify(e.metadata ?? null),
      }));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ stream, events: serialized, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Appends that arrive while this turn of the event loop runs join the same transaction.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: (AppendResult | WrongExpectedVersion)[];
    // Where the streams this group wrote now end; kept only once the transaction has committed.
    const known: [string, bigint][] = [];
    try {
      // IMMEDIATE: the write lock first, so a writer in another process makes this wait, not fail.
      outcomes = this.db.transaction(() => batch.map((append) => this.write(append, known))).immediate();
    } catch (error) {
      // The transaction rolled back: nothing of the group was written.
      for (const append of batch) append.reject(error as Error);
      return;
    }
    batch.forEach((append, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof WrongExpectedVersion) append.reject(outcome);
      else append.resolve(outcome);
    });
    for (const [stream, revision] of known) this.remember(stream, revision);
    this.appended.emit('appended');
  }

  /** One append inside the group's transaction; a conflict is returned, not thrown, so the group goes on. */
  private write({ stream, events, expected }: PendingAppend, known: [string, bigint][]): AppendResult | WrongExpectedVersion {
    const last = this.lastRevision(stream);
    const repeat = this.repeatedAppend(stream, events, expected);
    if (repeat) return repeat;
    if (expected === 'no_stream' ? last !== NO_STREAM : expected !== 'any' && expected !== last) {
      return new WrongExpectedVersion(stream, expected, last);
    }
    const created = Date.now();
    let position = 0n;
    events.forEach((e, i) => {
      const info = this.sql.insert.run(stream, last + 1n + BigInt(i), e.id, e.type, e.data, e.metadata, created);
      position = BigInt(info.lastInsertRowid);
    });
    known.push([stream, last + BigInt(events.length)]);
    return { nextRevision: last + BigInt(events.length), position: { commit: position, prepare: position } };
  }

  /**
   * EventStoreDB's idempotent append: the same event ids written again where they already stand
   * (right after the expected revision, or anywhere for `any`) succeed without writing.
   */
  private repeatedAppend(stream: string, events: PendingAppend['events'], expected: ExpectedRevision): AppendResult | null {
    const first = this.sql.byId.get(stream, events[0].id) as { revision: bigint } | undefined;
    if (!first) return null;
    const start = expected === 'no_stream' ? 0n : expected === 'any' ? first.revision : expected + 1n;
    if (first.revision !== start) return null;
    let position = 0n;
    for (let i = 0; i < events.length; i++) {
      const row = this.sql.at.get(stream, start + BigInt(i)) as { position: bigint; id: string } | undefined;
      if (!row || row.id !== events[i].id) return null;
      position = row.position;
    }
    return { nextRevision: start + BigInt(events.length - 1), position: { commit: position, prepare: position } };
  }

  /**
   * Known while no other connection (another process) has committed to the file since this one
   * appended: SQLite's data_version changes on every commit of another connection, never on ours.
   */
  knownLastRevision(stream: string): bigint | undefined {
    const version = this.sql.dataVersion.get() as bigint;
    if (version !== this.seenDataVersion) {
      this.seenDataVersion = version;
      this.lastAppended.clear();
      return undefined;
    }
    return this.lastAppended.get(stream);
  }

  private remember(stream: string, revision: bigint): void {
    this.lastAppended.delete(stream);
    this.lastAppended.set(stream, revision);
    if (this.lastAppended.size > 100_000) this.lastAppended.delete(this.lastAppended.keys().next().value!);
  }

  private lastRevision(stream: string): bigint {
    const row = this.sql.lastRevision.get(stream) as { revision: bigint | null };
    return row.revision ?? NO_STREAM;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.sql.backwards.all(stream, options.fromRevision ?? BigInt(Number.MAX_SAFE_INTEGER), limit)
        : this.sql.forwards.all(stream, options.fromRevision ?? 0n, limit);
    return (rows as Row[]).map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const filter = filterParameters(options.filter);
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.sql.allBackwards.all({ after: options.after?.commit ?? BigInt(Number.MAX_SAFE_INTEGER), limit, ...filter })
        : this.sql.allForwards.all({ after: (options.after ?? START).commit, limit, ...filter });
    return (rows as Row[]).map(toRecorded);
  }

  async countAll(options: CountAllOptions): Promise<number> {
    const count = this.sql.countForwards.get({ after: (options.after ?? START).commit, limit: options.limit, ...filterParameters(options.filter) });
    return Number(count);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    return new PollingSubscription(
      (after) => this.readAll({ after, filter: options.filter, maxCount: 512 }),
      this.appended,
      options.after ?? START,
      this.pollIntervalMs,
    );
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.flush();
      this.appended.emit('closed');
      this.db.close();
    }
    // Every call returns once the file is given up, not only the first.
    await this.releaseCheckpoints();
  }
}

/** The filter as the `$all` statements take it: in SQL as `inPartition` has it (every stream is in part 0 of 1). */
function filterParameters(filter: AllFilter | undefined): { prefix: string; part: number; parts: number } {
  const { index: part, count: parts } = filter?.partition ?? { index: 0, count: 1 };
  return { prefix: filter?.streamNamePrefix ?? '', part, parts };
}

function toRecorded([position, stream, revision, id, type, data, metadata, created]: Row): RecordedEvent {
  return {
    id,
    stream,
    type,
    revision,
    position: { commit: position, prepare: position },
    data: JSON.parse(data),
    metadata: JSON.parse(metadata),
    created: new Date(Number(created)),
  };
}
