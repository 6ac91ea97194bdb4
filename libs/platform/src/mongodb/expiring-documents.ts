import { Collection, Document, MongoServerError } from 'mongodb';
import type { Clock } from '../time/clock';

/** How often the fallback sweep runs: as often as MongoDB's own TTL monitor. */
const SWEEP_INTERVAL_MS = 60_000;

/** How a collection's documents are expired, and how to stop it. */
export interface Expiry {
  readonly by: 'ttl-index' | 'sweep';
  /** Deletes what has expired now (the sweep's one pass; nothing to do under a TTL index). */
  sweep(): Promise<number>;
  stop(): void;
}

/**
 * Deletes a collection's documents once their Date `field` is `afterSeconds` old: with a TTL index
 * named `name` (replaced if an earlier start made it with another age: TTL options cannot be changed
 * in place). A server without TTL indexes (FerretDB 1.24 answers NotImplemented) gets a sweep every
 * minute instead, on the application's clock, so the collection stays bounded there too.
 */
export async function expireDocuments<T extends Document>(
  collection: Collection<T>,
  { name, field, afterSeconds, clock }: { name: string; field: string; afterSeconds: number; clock: Clock },
): Promise<Expiry> {
  const existing = (await collection.indexes().catch(noCollectionYet)).find((index) => index.name === name);
  if (existing?.expireAfterSeconds === afterSeconds) return ttlIndex;
  if (existing) await collection.dropIndex(name);
  try {
    await collection.createIndex({ [field]: 1 }, { name, expireAfterSeconds: afterSeconds });
    return ttlIndex;
  } catch (error) {
    if (!(error instanceof MongoServerError && error.codeName === 'NotImplemented')) throw error;
  }
  const sweep = async () => {
    const { deletedCount } = await collection.deleteMany({ [field]: { $lte: new Date(clock.now().getTime() - afterSeconds * 1000) } } as never);
    return deletedCount;
  };
  // A failed sweep is retried at the next one; the readers never trust an expired document anyway.
  const timer = setInterval(() => void sweep().catch(() => undefined), SWEEP_INTERVAL_MS).unref();
  return { by: 'sweep', sweep, stop: () => clearInterval(timer) };
}

const ttlIndex: Expiry = { by: 'ttl-index', sweep: async () => 0, stop: () => undefined };

/** Listing the indexes of a collection not created yet fails with NamespaceNotFound (26): it has none. */
function noCollectionYet(error: unknown): [] {
  if (error instanceof MongoServerError && error.code === 26) return [];
  throw error;
}
