import { EsdbDouble, startEsdbDouble } from './esdb-double';
import { MongoTestDatabases } from './mongodb';

declare const E2E_STORES: string | undefined;

/** The production-mode master key of personal data in tests (never a real one). */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** Set by the jest project that runs the e2e suites again on the production adapters. */
export const productionStores = typeof E2E_STORES !== 'undefined' && E2E_STORES === 'production';

interface Stores {
  readonly double?: EsdbDouble;
  readonly env: Record<string, string>;
}

const byDataDir = new Map<string, Promise<Stores>>();
let databases: MongoTestDatabases | undefined;

/**
 * The environment that points a service at its stores. Embedded: nothing (DATA_DIR does it).
 * Production mode: an EventStoreDB (the protocol double, or EVENTSTORE_CONNECTION_STRING) and a
 * fresh MongoDB database, the same ones again for the same DATA_DIR, so a restart finds its data.
 */
export function storeEnv(dataDir: string): Promise<Record<string, string>> {
  if (!productionStores) return Promise.resolve({});
  let stores = byDataDir.get(dataDir);
  if (!stores) {
    stores = openStores();
    byDataDir.set(dataDir, stores);
  }
  return stores.then((s) => s.env);
}

/** The double behind a DATA_DIR's production stores (none when embedded or on a real EventStoreDB). */
export async function esdbDoubleOf(dataDir: string): Promise<EsdbDouble | undefined> {
  return (await byDataDir.get(dataDir))?.double;
}

async function openStores(): Promise<Stores> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('Production-mode e2e needs MONGODB_URI (see jest.config.js).');
  databases ??= new MongoTestDatabases(uri);
  const db = await databases.fresh();
  const real = process.env.EVENTSTORE_CONNECTION_STRING;
  const double = real ? undefined : await startEsdbDouble();
  return {
    double,
    env: {
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: real ?? double!.connectionString,
      READ_STORE: 'mongodb',
      MONGODB_URI: uri,
      MONGODB_DB: db.databaseName,
      // Outside the all-embedded default the master key must be configured.
      PII_MASTER_KEY: TEST_MASTER_KEY,
    },
  };
}

if (productionStores) {
  afterAll(async () => {
    const all = await Promise.all(byDataDir.values());
    byDataDir.clear();
    await Promise.all(all.map((s) => s.double?.stop()));
    await databases?.close();
    databases = undefined;
  });
}
