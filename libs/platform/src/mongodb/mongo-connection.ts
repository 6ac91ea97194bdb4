import { OnApplicationShutdown } from '@nestjs/common';
import { Db, MongoClient } from 'mongodb';

export const MONGO_DB = Symbol('MongoDb');

/** The one MongoDB connection of a process; closed after the HTTP server and projector have stopped. */
export class MongoConnection implements OnApplicationShutdown {
  private constructor(
    private readonly client: MongoClient,
    readonly db: Db,
  ) {}

  static async open(uri: string, database: string): Promise<MongoConnection> {
    // Majority and journal: a view or idempotency record acknowledged here survives a failover.
    const client = new MongoClient(uri, { writeConcern: { w: 'majority', journal: true }, serverSelectionTimeoutMS: 10000 });
    await client.connect();
    return new MongoConnection(client, client.db(database));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
