import { expireDocuments, Expiry } from '@app/platform';
import { Collection, Db, MongoServerError } from 'mongodb';
import { DEFAULT_RETENTION, expiredBefore, IdempotencyRecord, IdempotencyStore, Retention } from './idempotency-store';

type Stored = { _id: string; requestHash: string; response?: unknown; createdAt: Date };

/** The TTL index that deletes records once the retention has passed. */
export const RETENTION_INDEX = 'expire_after_retention';

/** Idempotency records in MongoDB: the unique `_id` is what makes a claim exclusive. */
export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly records: Collection<Stored>;
  /** Set by `open`: a TTL index on `createdAt`, or a sweep where the server has none. */
  expiry?: Expiry;

  constructor(
    db: Db,
    private readonly retention: Retention = DEFAULT_RETENTION,
  ) {
    this.records = db.collection<Stored>('idempotency_keys');
  }

  /** The store with its records expiring after the retention. */
  static async open(db: Db, retention: Retention): Promise<MongoIdempotencyStore> {
    const store = new MongoIdempotencyStore(db, retention);
    store.expiry = await expireDocuments(store.records, { name: RETENTION_INDEX, field: 'createdAt', afterSeconds: retention.hours * 3600, clock: retention.clock });
    return store;
  }

  async find(partnerId: string, key: string): Promise<IdempotencyRecord | null> {
    const doc = await this.records.findOne({ _id: idOf(partnerId, key) });
    // MongoDB's TTL monitor deletes only once a minute: an expired record it has not reached yet is gone all the same.
    if (!doc || doc.createdAt <= expiredBefore(this.retention)) return null;
    return doc.response === undefined ? { requestHash: doc.requestHash } : { requestHash: doc.requestHash, response: doc.response };
  }

  async reserve(partnerId: string, key: string, requestHash: string): Promise<boolean> {
    const record = { _id: idOf(partnerId, key), requestHash, createdAt: this.retention.clock.now() };
    if (await this.claim(record)) return true;
    // Taken, unless by an expired record (the TTL monitor runs only once a minute). Then whoever
    // first inserts a takeover ticket for that very record replaces it: only an insert's unique _id
    // decides between concurrent claimers on FerretDB 1.24, whose conditional updates and deletes
    // are not atomic. The ticket expires like any record.
    const held = await this.records.findOne({ _id: record._id });
    if (!held) return this.claim(record);
    if (held.createdAt > expiredBefore(this.retention)) return false;
    const ticket = { _id: JSON.stringify([partnerId, key, held.createdAt.getTime()]), requestHash: 'takeover', createdAt: record.createdAt };
    if (!(await this.claim(ticket))) return false;
    await this.records.replaceOne({ _id: record._id }, record);
    return true;
  }

  private async claim(record: Stored): Promise<boolean> {
    try {
      await this.records.insertOne(record);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async complete(partnerId: string, key: string, requestHash: string, response: unknown): Promise<void> {
    try {
      await this.records.updateOne(
        { _id: idOf(partnerId, key), requestHash },
        { $set: { response }, $setOnInsert: { createdAt: this.retention.clock.now() } },
        { upsert: true },
      );
    } catch (error) {
      // The key was claimed by another request meanwhile: its record stands.
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    }
  }

  async release(partnerId: string, key: string): Promise<void> {
    await this.records.deleteOne({ _id: idOf(partnerId, key), response: { $exists: false } });
  }

  async close(): Promise<void> {
    // The connection belongs to whoever opened it.
    this.expiry?.stop();
  }
}

// Partner ids and keys are free text: a JSON pair cannot be confused with another pair.
function idOf(partnerId: string, key: string): string {
  return JSON.stringify([partnerId, key]);
}
