import { Clock, expireDocuments, Expiry, mongoFailure, within } from '@app/platform';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Collection, Db, MongoServerError } from 'mongodb';
import { recordOf, ThrottlerStorageRecord, windowAt } from './fixed-window';

type Window = { _id: string; hits: number; expiresAt: Date };

export const WINDOWS_COLLECTION = 'rate_limit_windows';

/** Longest a request waits for its count: a rate-limit check must stay cheap, and a request that
 * meets a MongoDB gone silent must still answer within 2 s (this plus one bounded store call). */
const HIT_TIMEOUT_MS = 200;
/** After a failed count, how long requests pass without asking MongoDB again. */
const PAUSE_AFTER_FAILURE_MS = 1000;

class CountTimedOut extends Error {}

/**
 * Counts shared by every API process: one document per key and window, incremented atomically
 * (`findOneAndUpdate` with `$inc`, upserted by the first hit), deleted after its window ends.
 * MongoDB applies each single-document update atomically; FerretDB 1.24 does not, and loses some
 * concurrent increments, so there a limit is approximate (it undercounts, never overcounts).
 */
export class MongoThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  /** While MongoDB is out: until when requests pass without asking it (0 while it answers). */
  private pausedUntil = 0;
  private readonly logger = new Logger('RateLimits');

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

  /**
   * A rate limiter must not take the service down with its store: while MongoDB is out or slow,
   * requests pass uncounted (one warning when it starts, one line when counting resumes), and it
   * is asked again a second later. Any other error is a bug and is thrown.
   */
  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.clock.now().getTime();
    const { start, end } = windowAt(now, ttl);
    if (Date.now() < this.pausedUntil) return recordOf(0, limit, end, now);
    try {
      const { hits } = await within(this.hit(`${key}@${start}`, new Date(end)), HIT_TIMEOUT_MS, () => new CountTimedOut(`no answer within ${HIT_TIMEOUT_MS} ms`));
      if (this.pausedUntil) this.logger.log('MongoDB answers again: requests are counted again');
      this.pausedUntil = 0;
      return recordOf(hits, limit, end, now);
    } catch (error) {
      if (!(error instanceof CountTimedOut) && mongoFailure(error) !== 'unavailable') throw error;
      if (!this.pausedUntil) this.logger.warn(`MongoDB is out or slow (${(error as Error).message}): requests pass uncounted until it answers`);
      this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
      return recordOf(0, limit, end, now);
    }
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
