import { Collection, Db, MongoServerError } from 'mongodb';
import { LeaseStore } from '../lease';

type Lease = { _id: string; owner: string; expiresAt: Date };

/**
 * Projector leases in MongoDB. Expiry uses the processes' clocks, so keep them in sync (NTP) and
 * the TTL well above the clock skew between projector hosts.
 */
export class MongoLeaseStore implements LeaseStore {
  private readonly leases: Collection<Lease>;

  constructor(db: Db) {
    this.leases = db.collection<Lease>('projector_leases');
  }

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    try {
      // Matches only a lease this owner holds or one that has expired; otherwise the upsert's
      // insert collides with the live lease's _id and the claim fails.
      await this.leases.updateOne(
        { _id: name, $or: [{ owner }, { expiresAt: { $lt: now } }] },
        { $set: { owner, expiresAt: new Date(now.getTime() + ttlMs) } },
        { upsert: true },
      );
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async release(name: string, owner: string): Promise<void> {
    await this.leases.deleteOne({ _id: name, owner });
  }

  async close(): Promise<void> {
    // The connection belongs to whoever opened it.
  }
}
