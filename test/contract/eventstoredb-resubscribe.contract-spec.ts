import { customerStream, EventMetadata } from '@app/domain';
import { comparePositions, EsdbEventStore, eventIdFor, Position } from '@app/event-store';
import { customerListProjection, embeddedViews, ProjectionRunner, ViewPorts } from '@app/read-side';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbDouble, startEsdbDouble } from '../support/esdb-double';

// The double can drop live subscriptions the way a server restart or leader change does.
describe('EventStoreDB adapter: a dropped subscription', () => {
  let double: EsdbDouble;
  let dir: string;

  beforeAll(async () => {
    double = await startEsdbDouble();
    dir = mkdtempSync(join(tmpdir(), 'resubscribe-'));
  });
  afterAll(async () => {
    await double.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function establish(store: EsdbEventStore, partnerId: string): Promise<Position> {
    const tenantId = randomUUID();
    const commandId = randomUUID();
    const metadata: EventMetadata = {
      commandId,
      correlationId: commandId,
      causationId: commandId,
      actor: { sub: 'test', partnerId, roles: ['admin-agent'] },
      occurredAt: new Date().toISOString(),
      schemaVersion: 2,
    };
    const data = { tenantId, partnerId, companyName: `C ${tenantId.slice(0, 6)}`, domain: 'c.example.com' };
    return (await store.append(customerStream(partnerId, tenantId), [{ id: eventIdFor(commandId, 0), type: 'CustomerRelationshipEstablished', data, metadata }], 'no_stream')).position;
  }

  async function reached(views: ViewPorts, position: Position): Promise<void> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const checkpoint = await views.writer.checkpoint(customerListProjection);
      if (checkpoint && comparePositions(checkpoint, position) >= 0) return;
    }
    throw new Error('the projection did not catch up');
  }

  it('is resubscribed from the last processed position, losing and repeating nothing', async () => {
    const store = EsdbEventStore.connect(double.connectionString);
    const views = embeddedViews(join(dir, 'views.sqlite'));
    const errors: unknown[] = [];
    const runner = new ProjectionRunner({ projection: customerListProjection, events: store, views: views.writer, hooks: { onError: (e) => errors.push(e) }, retryMs: 50 });
    const partnerId = `p-${randomUUID()}`;
    try {
      runner.start();
      await reached(views, await establish(store, partnerId));
      await double.waitForSubscriptions(1, 5_000);

      expect(double.dropSubscriptions()).toBeGreaterThan(0);
      await establish(store, partnerId);
      await reached(views, await establish(store, partnerId));
      const page = await views.customerList.page({ partnerId, size: 10 });
      expect(page.items).toHaveLength(3);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await runner.stop();
      await views.close();
      await store.close();
    }
  });
});
