import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Db, MongoClient } from 'mongodb';
import type { StoreTimeouts } from '../config/config';

export const MONGO_DB = Symbol('MongoDb');

// At start the server may still be coming up (a deploy, a restart): keep trying this long.
const START_WAIT_MS = 10_000;

/** The one MongoDB connection of a process; closed after the HTTP server and projector have stopped. */
export class MongoConnection implements OnApplicationShutdown {
  private constructor(
    private readonly client: MongoClient,
    readonly db: Db,
  ) {}

  static async open({ uri, database }: { uri: string; database: string }, timeouts: StoreTimeouts): Promise<MongoConnection> {
    const client = new MongoClient(uri, {
      // Majority and journal: a view or idempotency record acknowledged here survives a failover.
      writeConcern: { w: 'majority', journal: true },
      // Short: with no server to talk to, an operation fails fast instead of queueing for 30 s.
      serverSelectionTimeoutMS: timeouts.mongoServerSelectionMs,
      // connectTimeoutMS stays the driver's 30 s: it also bounds the server monitor's heartbeat, and
      // a busy server that misses a short one gets every connection in use cut.
      // A stopped server leaves connections open but silent; this closes them eventually. Long
      // enough for a projector's large batch on a slow server.
      socketTimeoutMS: timeouts.mongoSocketMs,
    });
    const deadline = Date.now() + START_WAIT_MS;
    for (;;) {
      try {
        await client.connect();
        break;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        new Logger('MongoDB').warn(`not reachable yet, retrying: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    return new MongoConnection(client, client.db(database));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
