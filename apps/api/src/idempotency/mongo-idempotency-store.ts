import { Collection, Db, MongoServerError } from 'mongodb';
import { IdempotencyRecord, IdempotencyStore } from './idempotency-store';

type Stored = { _id: string; requestHash: string; response?: unknown; createdAt: Date };

/** Idempotency records in MongoDB: the unique `_id` is what makes a claim exclusive. */
export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly records: Collection<Stored>;

  constructor(db: Db) {
    this.records = db.collection<Stored>('idempotency_keys');
  }

  async find(partnerId: string, key: string): Promise<IdempotencyRecord | null> {
    const doc = await this.records.findOne({ _id: idOf(partnerId, key) });
    if (!doc) return null;
    return doc.response === undefined ? { requestHash: doc.requestHash } : { requestHash: doc.requestHash, response: doc.response };
  }

  async reserve(partnerId: string, key: string, requestHash: string): Promise<boolean> {
    try {
      await this.records.insertOne({ _id: idOf(partnerId, key), requestHash, createdAt: new Date() });
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
        { $set: { response }, $setOnInsert: { createdAt: new Date() } },
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
  }
}

// Partner ids and keys are free text: a JSON pair cannot be confused with another pair.
function idOf(partnerId: string, key: string): string {
  return JSON.stringify([partnerId, key]);
}
