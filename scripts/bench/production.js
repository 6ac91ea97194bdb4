// Item 6 of the benchmark: the projector's write path on the MongoDB adapter against the bare
// `mongodb` driver doing the same writes, on the same server in the same run.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const { MongoClient } = require('mongodb');
const { seedEvents } = require('./seed');

const DIST = join(__dirname, '../../dist/libs');
const BATCH = 500; // the projector's own batch size
/** The adapter's default (MONGODB_MAX_WRITES_PER_COMMAND): FerretDB 1.24 deadlocks on much more. */
const WRITES_PER_COMMAND = 20;

/**
 * Seeds `customers` (five events each) and then a rename of every one, so later batches replace
 * documents that exist (the burst FerretDB deadlocks on). Projects it all into both views through
 * the adapter (the runner's batches of 500: load, fold, commit), recording every write command it
 * sends; then sends the same commands, unchanged, with the bare driver to a second database on the
 * same server. The difference is what the adapter adds of its own: its reads, folding, batching.
 */
async function benchProduction(uri, customers) {
  const { customerStream, SCHEMA_VERSIONS } = require(join(DIST, 'domain/src/index.js'));
  const { SqliteEventStore, eventIdFor } = require(join(DIST, 'event-store/src/index.js'));
  const rs = require(join(DIST, 'read-side/src/index.js'));
  const dir = mkdtempSync(join(tmpdir(), 'bench-production-'));
  const client = await new MongoClient(uri, { monitorCommands: true }).connect();
  const suffix = randomBytes(4).toString('hex');
  const adapterDb = client.db(`bench_adapter_${suffix}`);
  const bareDb = client.db(`bench_bare_${suffix}`);
  const sent = [];
  client.on('commandStarted', (e) => {
    if (e.databaseName === adapterDb.databaseName && ['createIndexes', 'insert', 'update'].includes(e.commandName)) sent.push(e.command);
  });
  let events;
  try {
    const partner = 'bench';
    const seeded = await seedEvents(join(dir, 'events.sqlite'), { customers, partners: [partner] });
    events = new SqliteEventStore(join(dir, 'events.sqlite'));
    for (const [i, { tenantId }] of seeded.ids.entries()) {
      const commandId = randomUUID();
      const metadata = {
        commandId,
        correlationId: commandId,
        causationId: commandId,
        actor: { sub: 'bench', partnerId: partner, roles: ['admin-agent'] },
        occurredAt: new Date().toISOString(),
        schemaVersion: SCHEMA_VERSIONS.CustomerRenamed,
      };
      const stream = customerStream(partner, tenantId);
      const revision = (await events.readStream(stream)).at(-1).revision;
      const data = { previousName: 'any', companyName: `Burst ${i}` };
      await events.append(stream, [{ id: eventIdFor(commandId, 0), type: 'CustomerRenamed', data, metadata }], revision);
    }
    const all = await events.readAll();

    const views = await rs.mongoViews(adapterDb, { maxWritesPerCommand: WRITES_PER_COMMAND });
    let began = process.hrtime.bigint();
    for (const projection of Object.values(rs.PROJECTIONS)) {
      const runner = new rs.ProjectionRunner({ projection, events, views: views.writer });
      for (let i = 0; i < all.length; i += BATCH) await runner.apply(all.slice(i, i + BATCH));
    }
    const adapterMs = Number(process.hrtime.bigint() - began) / 1e6;

    // The session and cluster fields belong to the adapter's connection; the rest is the command.
    const bare = sent.map(({ lsid, $db, $clusterTime, txnNumber, ...command }) => command);
    for (const command of bare.filter((c) => c.createIndexes)) await bareDb.command(command);
    const writes = bare.filter((c) => !c.createIndexes);
    began = process.hrtime.bigint();
    for (const command of writes) await bareDb.command(command);
    const bareMs = Number(process.hrtime.bigint() - began) / 1e6;

    // The same documents in the end, or the comparison means nothing.
    for (const projection of Object.values(rs.PROJECTIONS)) {
      const count = await bareDb.collection(`${projection.storedAs}_g1`).countDocuments();
      const adapterCount = await adapterDb.collection(`${projection.storedAs}_g1`).countDocuments();
      if (count !== customers || adapterCount !== customers) throw new Error(`${projection.name}: ${adapterCount} documents by the adapter, ${count} by the bare driver, ${customers} expected`);
    }
    return { events: all.length, writeCommands: writes.length, adapterMs, bareMs };
  } finally {
    await events?.close();
    await adapterDb.dropDatabase().catch(() => undefined);
    await bareDb.dropDatabase().catch(() => undefined);
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { benchProduction };
