import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Db, MongoClient, ServerDescriptionChangedEvent } from 'mongodb';
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
    watchServer(client);
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

/**
 * What the driver sees of the server, in the service's log: the server lost and found again (warn
 * and log), and at debug level each heartbeat and connection-pool clear, which is what tells a
 * server that does not answer from a client that stopped asking.
 */
function watchServer(client: MongoClient): void {
  const logger = new Logger('MongoDB');
  client.on('serverDescriptionChanged', ({ address, previousDescription: before, newDescription: now }: ServerDescriptionChangedEvent) => {
    if (before.type === now.type) return;
    if (now.type === 'Unknown') logger.warn(`${address} lost (${before.type} → Unknown): ${now.error?.message ?? 'no answer'}`);
    else logger.log(`${address} found: ${now.type}`);
  });
  client.on('serverHeartbeatStarted', (e) => logger.debug(`heartbeat to ${e.connectionId} started`));
  client.on('serverHeartbeatFailed', (e) => logger.debug(`heartbeat to ${e.connectionId} failed: ${e.failure.message}`));
  client.on('serverHeartbeatSucceeded', (e) => logger.debug(`heartbeat to ${e.connectionId} answered in ${e.duration} ms`));
  client.on('connectionPoolCleared', (e) => logger.debug(`connection pool of ${e.address} cleared`));
  client.on('connectionPoolReady', (e) => logger.debug(`connection pool of ${e.address} ready`));
}
