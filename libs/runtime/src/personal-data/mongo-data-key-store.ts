import { Collection, Db, MongoServerError } from 'mongodb';
import { DataKeyStore } from './data-key-store';
import { WrappedDataKey } from './master-keys';

interface KeyDocument {
  _id: string;
  keyId: string;
  wrapped: string;
  masterKeyId: string;
}

interface ErasureDocument {
  _id: string;
  throughRevision: string;
}

const toKey = (doc: KeyDocument): WrappedDataKey => ({ stream: doc._id, keyId: doc.keyId, wrapped: doc.wrapped, masterKeyId: doc.masterKeyId });

/**
 * The production key store: `personal_data_keys` (one document per relationship, keyed by stream)
 * and `personal_data_erasures`, written with the connection's majority, journaled write concern.
 * What MongoDB keeps of a deleted document (oplog, storage files until reused, backups) is listed in
 * the README: an erase reaches it only as those age out.
 */
export class MongoDataKeyStore implements DataKeyStore {
  private readonly keys: Collection<KeyDocument>;
  private readonly erasures: Collection<ErasureDocument>;

  constructor(db: Db) {
    this.keys = db.collection<KeyDocument>('personal_data_keys');
    this.erasures = db.collection<ErasureDocument>('personal_data_erasures');
  }

  async find(stream: string): Promise<WrappedDataKey | null> {
    const doc = await this.keys.findOne({ _id: stream });
    return doc ? toKey(doc) : null;
  }

  async findOrAdd(key: WrappedDataKey): Promise<WrappedDataKey> {
    try {
      await this.keys.insertOne({ _id: key.stream, keyId: key.keyId, wrapped: key.wrapped, masterKeyId: key.masterKeyId });
      return key;
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      return (await this.find(key.stream)) ?? this.findOrAdd(key);
    }
  }

  async erase(stream: string, throughRevision: bigint): Promise<void> {
    const previous = await this.erasedThrough(stream);
    const through = previous !== null && previous > throughRevision ? previous : throughRevision;
    // The erasure is recorded first: should the delete then fail, a retry deletes; never a key
    // deleted with no record that contacts stored before sealing must be hidden too.
    await this.erasures.replaceOne({ _id: stream }, { throughRevision: String(through) }, { upsert: true });
    await this.keys.deleteOne({ _id: stream });
  }

  async erasedThrough(stream: string): Promise<bigint | null> {
    const doc = await this.erasures.findOne({ _id: stream });
    return doc ? BigInt(doc.throughRevision) : null;
  }

  async *all(): AsyncIterable<WrappedDataKey> {
    for await (const doc of this.keys.find({}).sort({ _id: 1 })) yield toKey(doc);
  }

  async rewrap(key: WrappedDataKey): Promise<void> {
    await this.keys.updateOne({ _id: key.stream, keyId: key.keyId }, { $set: { wrapped: key.wrapped, masterKeyId: key.masterKeyId } });
  }

  async close(): Promise<void> {
    // The connection belongs to the platform module, which closes it.
  }
}
