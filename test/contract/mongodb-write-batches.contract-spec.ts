import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { customerStream, SCHEMA_VERSIONS } from '@app/domain';
import { eventIdFor, SqliteEventStore } from '@app/event-store';
import { customerListProjection, mongoViews, ProjectionRunner } from '@app/read-side';
import { describeWithMongo } from '../support/mongodb';
import { bounded } from '../support/service-process';

const CUSTOMERS = 1_050;
const PARTNER = 'partner-burst';

/**
 * FerretDB 1.24 hangs for good on one update command with about 100 statements matching existing
 * documents. A catch-up after a burst of renames to known customers is exactly such a batch: the
 * projector must split it, and finish.
 */
describeWithMongo('MongoDB view store: write batches', (uri) => {
  let dir: string;
  let events: SqliteEventStore;
  let client: MongoClient;
  const updatesPerCommand: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mongo-burst-'));
    events = new SqliteEventStore(join(dir, 'events.sqlite'));
    client = await new MongoClient(uri, { monitorCommands: true }).connect();
    client.on('commandStarted', (e) => {
      if (e.commandName === 'update') updatesPerCommand.push((e.command.updates as unknown[]).length);
    });
  });

  afterAll(async () => {
    await events.close();
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`catches up renames of ${CUSTOMERS} existing customers, never more than the limit of writes per command`, async () => {
    const db = client.db(`test_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
    try {
      const views = await mongoViews(db);
      const tenants = Array.from({ length: CUSTOMERS }, () => randomUUID());
      const metadata = (type: 'CustomerRelationshipEstablished' | 'CustomerRenamed') => {
        const commandId = randomUUID();
        const actor = { sub: 'agent@partner.example', partnerId: PARTNER, roles: ['admin-agent'] };
        return { commandId, correlationId: commandId, causationId: commandId, actor, occurredAt: new Date().toISOString(), schemaVersion: SCHEMA_VERSIONS[type] };
      };
      const append = (tenantId: string, type: 'CustomerRelationshipEstablished' | 'CustomerRenamed', data: object, expected: 'no_stream' | bigint) => {
        const m = metadata(type);
        return events.append(customerStream(PARTNER, tenantId), [{ id: eventIdFor(m.commandId, 0), type, data, metadata: m }], expected);
      };
      await Promise.all(tenants.map((tenantId, i) => append(tenantId, 'CustomerRelationshipEstablished', { tenantId, partnerId: PARTNER, companyName: `Old ${i}`, domain: `t${i}.example` }, 'no_stream')));
      await Promise.all(tenants.map((tenantId, i) => append(tenantId, 'CustomerRenamed', { previousName: `Old ${i}`, companyName: `New ${i}` }, 0n)));

      const runner = new ProjectionRunner({ projection: customerListProjection, events, views: views.writer });
      const all = await events.readAll();
      // The runner's own batch size: the first batches insert, the later ones replace known documents.
      for (let i = 0; i < all.length; i += 500) {
        await bounded(runner.apply(all.slice(i, i + 500)), 400_000, 'a projected batch did not finish: FerretDB deadlocked?');
      }

      const renamed = await db.collection('customer_list_g1').countDocuments({ companyName: { $regex: '^New ' } });
      expect(renamed).toBe(CUSTOMERS);
      expect(updatesPerCommand.length).toBeGreaterThan(CUSTOMERS / 20);
      expect(Math.max(...updatesPerCommand)).toBeLessThanOrEqual(20);
    } finally {
      await db.dropDatabase();
    }
  }, 900_000);
});
