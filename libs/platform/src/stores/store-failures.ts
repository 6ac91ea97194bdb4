import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

/** What a store's error says about the store: out of space, out of reach, or nothing (a real bug or a rule). */
export type StoreFailure = 'full' | 'unavailable' | null;

const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|PROTOCOL|READONLY)/;

/** SQLite (better-sqlite3) errors carry SQLite's result code; ENOSPC can also surface as an I/O error. */
export function sqliteFailure(error: unknown): StoreFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'full';
  return SQLITE_UNAVAILABLE.test(code) ? 'unavailable' : null;
}

const MONGO_UNAVAILABLE = [
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
];
// The driver throws these but does not export their classes.
const MONGO_UNAVAILABLE_NAMES = new Set(['MongoPoolClearedError', 'MongoWaitQueueTimeoutError']);

/** The driver's own classes for "the server could not be reached or did not answer". */
export function mongoFailure(error: unknown): StoreFailure {
  if (MONGO_UNAVAILABLE.some((type) => error instanceof type)) return 'unavailable';
  return error instanceof Error && MONGO_UNAVAILABLE_NAMES.has(error.name) ? 'unavailable' : null;
}

/** Either kind of read store: the one in use decides which errors it throws. */
export function readStoreFailure(error: unknown): StoreFailure {
  return sqliteFailure(error) ?? mongoFailure(error);
}
