import { Clock, expireDocuments, Expiry } from '@app/platform';
import { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Collection, Db, MongoServerError } from 'mongodb';
import { recordOf, ThrottlerStorageRecord, windowAt } from './fixed-window';

type Window = { _id: string; hits: number; expiresAt: Date };

export const WINDOWS_COLLECTION = 'rate_limit_windows';

/**
 * Counts shared by every API process: one document per key and window, incremented atomically
 * (`findOneAndUpdate` with `$inc`, upserted by the first hit), deleted after its window ends.
 * MongoDB applies each single-document update atomically; FerretDB 1.24 does not, and loses some
 * concurrent increments, so there a limit is approximate (it undercounts, never overcounts).
 */
export class MongoThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private constructor(
    private readonly windows: Collection<Window>,
    private readonly clock: Clock,
    readonly expiry: Expiry,
  ) {}

  static async open(db: Db, clock: Clock): Promise<MongoThrottlerStorage> {
    const windows = db.collection<Window>(WINDOWS_COLLECTION);
    const expiry = await expireDocuments(windows, { name: 'expire_ended_windows', field: 'expiresAt', afterSeconds: 0, clock });
    return new MongoThrottlerStorage(windows, clock, expiry);
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.clock.now().getTime();
    const { start, end } = windowAt(now, ttl);
    const { hits } = await this.hit(`${key}@${start}`, new Date(end));
    return recordOf(hits, limit, end, now);
  }

  onApplicationShutdown(): void {
    this.expiry.stop();
  }

  private async hit(_id: string, expiresAt: Date, attempt = 1): Promise<Window> {
    try {
      const window = await this.windows.findOneAndUpdate({ _id }, { $inc: { hits: 1 }, $setOnInsert: { expiresAt } }, { upsert: true, returnDocument: 'after' });
      return window!;
    } catch (error) {
      // Processes opening the same window at once: one upsert inserts, the others collide on the
      // _id; the document exists now, so their retry is a plain increment.
      if (attempt < 3 && error instanceof MongoServerError && error.code === 11000) return this.hit(_id, expiresAt, attempt + 1);
      throw error;
    }
  }
}
