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
 * the adapter, recording each commit; then writes the same documents and checkpoints with the bare
 * driver: replace-with-upsert, as many per command, one checkpoint per batch. Returns both times.
 */
async function benchProduction(uri, customers) {
  const { customerStream, SCHEMA_VERSIONS } = require(join(DIST, 'domain/src/index.js'));
  const { SqliteEventStore, eventIdFor, positionKey } = require(join(DIST, 'event-store/src/index.js'));
  const rs = require(join(DIST, 'read-side/src/index.js'));
  const dir = mkdtempSync(join(tmpdir(), 'bench-production-'));
  const client = await new MongoClient(uri).connect();
  const suffix = randomBytes(4).toString('hex');
  const adapterDb = client.db(`bench_adapter_${suffix}`);
  const bareDb = client.db(`bench_bare_${suffix}`);
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
    const commits = [];
    const recording = new Proxy(views.writer, {
      get(target, name) {
        const value = target[name];
        if (name === 'commit') return (view, documents, checkpoint, ...rest) => (commits.push({ view, documents, checkpoint }), value.call(target, view, documents, checkpoint, ...rest));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let began = process.hrtime.bigint();
    for (const projection of Object.values(rs.PROJECTIONS)) {
      const runner = new rs.ProjectionRunner({ projection, events, views: recording });
      for (let i = 0; i < all.length; i += BATCH) await runner.apply(all.slice(i, i + BATCH));
    }
    const adapterMs = Number(process.hrtime.bigint() - began) / 1e6;

    // The bare driver: the same collections with the same indexes, then the same documents.
    for (const projection of Object.values(rs.PROJECTIONS)) {
      for (const index of projection.indexes) {
        await bareDb.collection(projection.storedAs).createIndex(Object.fromEntries(['partnerId', ...index.fields].map((f) => [f, 1])));
      }
    }
    began = process.hrtime.bigint();
    for (const { view, documents, checkpoint } of commits) {
      const stored = documents.map((doc) => ({ _id: `${doc.partnerId}/${doc.id}`, ...doc, ...Object.fromEntries(view.keys.map((k) => [k.field, k.of(doc)])) }));
      for (let i = 0; i < stored.length; i += WRITES_PER_COMMAND) {
        const group = stored.slice(i, i + WRITES_PER_COMMAND);
        await bareDb.collection(view.storedAs).bulkWrite(group.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })), { ordered: false });
      }
      await bareDb.collection('checkpoints').replaceOne({ _id: view.name }, { position: positionKey(checkpoint), updatedAt: new Date() }, { upsert: true });
    }
    const bareMs = Number(process.hrtime.bigint() - began) / 1e6;

    // The same documents in the end, or the comparison means nothing.
    for (const projection of Object.values(rs.PROJECTIONS)) {
      const count = await bareDb.collection(projection.storedAs).countDocuments();
      const adapterCount = await adapterDb.collection(`${projection.storedAs}_g1`).countDocuments();
      if (count !== customers || adapterCount !== customers) throw new Error(`${projection.name}: ${adapterCount} documents by the adapter, ${count} by the bare driver, ${customers} expected`);
    }
    return { events: all.length, commits: commits.length, adapterMs, bareMs };
  } finally {
    await events?.close();
    await adapterDb.dropDatabase().catch(() => undefined);
    await bareDb.dropDatabase().catch(() => undefined);
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { benchProduction };
