import Database from 'better-sqlite3';
import { join } from 'node:path';
import { newCustomer } from '../support/customers';
import { sleep } from '../support/service-process';
import { productionStores } from '../support/stores';
import { startTestApp, TestApp } from '../support/test-app';

// The embedded event store is a file this test can cut back, as a restore from an older backup would.
(productionStores ? describe.skip : describe)('an event store behind a projection checkpoint (a restore from an older backup)', () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
  });
  afterAll(() => t.close());

  it('is reported in /v1/projections and turns readiness red with the reason, instead of being silently followed', async () => {
    for (let i = 0; i < 3; i++) await t.http.post('/v1/customers').set('Authorization', auth).send(newCustomer()).expect(201);
    let caughtUp = false;
    for (let i = 0; i < 50 && !caughtUp; i++) {
      const { items } = (await t.http.get('/v1/projections').set('Authorization', auth).expect(200)).body;
      caughtUp = items.every((s: { lagEvents: number; checkpoint: string | null }) => s.checkpoint !== null && s.lagEvents === 0);
      if (!caughtUp) await sleep(200);
    }
    expect(caughtUp).toBe(true);
    expect((await t.http.get('/health/ready').expect(200)).body.checks.projectionCheckpoint).toBeUndefined();

    // "Restore" the log without its last event.
    const db = new Database(join(t.dataDir, 'events.sqlite'));
    db.prepare('DELETE FROM events WHERE position = (SELECT max(position) FROM events)').run();
    db.close();
    await sleep(1100); // the status is measured at most once a second

    const { items } = (await t.http.get('/v1/projections').set('Authorization', auth).expect(200)).body;
    for (const status of items) expect(status).toMatchObject({ checkpointAheadOfStore: true });
    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.body.checks.projectionCheckpoint).toMatch(/^ahead of the event store: customer-list, account-detail/);
  });
});
