import { randomUUID } from 'node:crypto';
import { CUSTOMER_STREAM_PREFIX } from '@app/domain';
import { EVENT_WRITER, EventWriter } from '@app/event-store';
import { newCustomer } from '../support/customers';
import { startTestApp, TestApp } from '../support/test-app';

describe('projection health: lag in events and seconds, metrics and readiness', () => {
  describe('with no projector running', () => {
    let t: TestApp;
    let auth: string;

    beforeAll(async () => {
      t = await startTestApp({ env: { RUN_PROJECTOR: 'false', READY_MAX_LAG_SECONDS: '1' } });
      auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
    });
    afterAll(() => t.close());

    it('reports the lag growing, exports it to Prometheus and turns readiness red past the bound', async () => {
      expect((await t.http.get('/health/ready').expect(200)).body.checks.projectionLag).toBe('up');
      await t.http.post('/v1/customers').set('Authorization', auth).send(newCustomer()).expect(201);
      await t.http.post('/v1/customers').set('Authorization', auth).send(newCustomer()).expect(201);
      await new Promise((r) => setTimeout(r, 1300));

      const { items } = (await t.http.get('/v1/projections').set('Authorization', auth).expect(200)).body;
      for (const name of ['customer-list', 'account-detail']) {
        const status = items.find((i: { name: string }) => i.name === name);
        expect(status).toMatchObject({ name, generation: 1, checkpoint: null, lagEvents: 2, lagEventsAtLeast: false });
        expect(status.lagSeconds).toBeGreaterThan(1);
      }

      const metrics = (await t.http.get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/^projection_lag_events\{projection="customer-list"\} 2$/m);
      expect(metrics).toMatch(/^projection_lag_seconds\{projection="account-detail"\} (1\.\d+|[2-9])/m);

      const ready = await t.http.get('/health/ready').expect(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', checks: { eventStore: 'up', viewStore: 'up', projectionLag: 'down' } });
    });

    // Its time: 10,000 appends and counts through the EventStoreDB double take about 6 s alone,
    // several times that beside CI's other suites.
    it('counts the lag up to 10,000 events, then reports it as at least that', async () => {
      const writer = t.app.get<EventWriter>(EVENT_WRITER);
      const filler = () => ({ id: randomUUID(), type: 'LagFiller', data: {}, metadata: {} });
      for (let i = 0; i < 10; i++) await writer.append(`${CUSTOMER_STREAM_PREFIX}${randomUUID()}`, Array.from({ length: 1000 }, filler), 'no_stream');
      // Status is measured at most once a second.
      await new Promise((r) => setTimeout(r, 1100));

      const { items } = (await t.http.get('/v1/projections').set('Authorization', auth).expect(200)).body;
      for (const name of ['customer-list', 'account-detail']) {
        expect(items.find((i: { name: string }) => i.name === name)).toMatchObject({ name, checkpoint: null, lagEvents: 10_000, lagEventsAtLeast: true });
      }
    }, 60_000);
  });

  describe('with the projector running', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('reports zero lag once caught up', async () => {
      const auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
      const { position } = (await t.http.post('/v1/customers').set('Authorization', auth).send(newCustomer()).expect(201)).body;
      await t.http.get(`/v1/customers?minPosition=${position}`).set('Authorization', auth).expect(200);
      await t.http.get(`/v1/customers?size=1&minPosition=${position}`).set('Authorization', auth).expect(200);
      const { items } = (await t.http.get('/v1/projections').set('Authorization', auth).expect(200)).body;
      // The list is caught up (read above); the detail view projects on its own checkpoint.
      const list = items.find((i: { name: string }) => i.name === 'customer-list');
      expect(list).toMatchObject({ lagEvents: 0, lagSeconds: 0, checkpoint: position, head: position });
      expect((await t.http.get('/health/ready').expect(200)).body.checks.projectionLag).toBe('up');
    });
  });
});
