import { Db, MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';

/**
 * The MongoDB-wire server for the production-adapter suites: MONGODB_URI (FerretDB in CI, or a
 * real MongoDB). Without it a suite says so in one line and is skipped; in CI that is an error,
 * because CI provides the server.
 */
export function mongoUri(suite: string): string | undefined {
  const uri = process.env.MONGODB_URI;
  if (uri) return uri;
  if (process.env.CI) throw new Error(`${suite}: MONGODB_URI is not set, but CI must run every suite (.ci/run starts FerretDB).`);
  console.warn(`SKIPPED ${suite}: no MongoDB (set MONGODB_URI, or run scripts/with-ferretdb.sh npm test).`);
  return undefined;
}

/** Describes the suite when its server is there; otherwise the one warning above is all it does. */
export function describeWithMongo(suite: string, body: (uri: string) => void): void {
  const uri = mongoUri(suite);
  if (uri) describe(suite, () => body(uri));
}

/** One client per test file, and a fresh database per test so suites never see each other's data. */
export class MongoTestDatabases {
  private client: MongoClient | undefined;
  private readonly created: Db[] = [];

  constructor(private readonly uri: string) {}

  async fresh(): Promise<Db> {
    this.client ??= await new MongoClient(this.uri).connect();
    const db = this.client.db(`test_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
    this.created.push(db);
    return db;
  }

  async drop(db: Db): Promise<void> {
    await db.dropDatabase();
  }

  async close(): Promise<void> {
    await Promise.all(this.created.map((db) => db.dropDatabase().catch(() => undefined)));
    await this.client?.close();
  }
}
