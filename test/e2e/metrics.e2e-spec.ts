import { newCustomer } from '../support/customers';
import { startTestApp, TestApp } from '../support/test-app';

/** The value of one sample of the Prometheus text, 0 when the series does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('metrics move with what the service does (embedded)', () => {
  let t: TestApp;
  let auth: string;
  const scrape = async () => (await t.http.get('/metrics').expect(200)).text;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
  });
  afterAll(() => t.close());

  it('counts commands by type and outcome', async () => {
    const before = await scrape();
    const body = newCustomer();
    await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(409);
    await t.http.post(`/v1/customers/${body.tenantId}/rename`).set('Authorization', auth).send({ companyName: 'Renamed' }).expect(200);
    await t.http.post(`/v1/customers/${body.tenantId}/rename`).set('Authorization', auth).send({ companyName: 'Renamed' }).expect(200);
    await t.http.post(`/v1/customers/${body.tenantId}/rename`).set('Authorization', auth).set('If-Match', '"0"').send({ companyName: 'Stale' }).expect(412);
    for (let i = 0; i < 2; i++) {
      await t.http.post(`/v1/customers/${body.tenantId}/cost-management/enable`).set('Authorization', auth).set('Idempotency-Key', 'cm-1').send({}).expect(200);
    }
    const after = await scrape();
    const moved = (type: string, outcome: string) => sample(after, 'commands_total', { type, outcome }) - sample(before, 'commands_total', { type, outcome });
    expect({
      established: moved('EstablishCustomerRelationship', 'appended'),
      duplicate: moved('EstablishCustomerRelationship', 'rejected'),
      renamed: moved('RenameCustomer', 'appended'),
      unchanged: moved('RenameCustomer', 'unchanged'),
      stale: moved('RenameCustomer', 'conflict'),
      enabled: moved('EnableCostManagement', 'appended'),
      replayed: moved('EnableCostManagement', 'replayed'),
    }).toEqual({ established: 1, duplicate: 1, renamed: 1, unchanged: 1, stale: 1, enabled: 1, replayed: 1 });
  });

  it('times store operations per store and operation', async () => {
    const before = await scrape();
    const body = newCustomer();
    const created = await t.http.post('/v1/customers').set('Authorization', auth).set('Idempotency-Key', `k-${body.tenantId}`).send(body).expect(201);
    await t.http.get(`/v1/customers/${body.tenantId}`).set('Authorization', auth).query({ minPosition: created.body.position }).expect(200);
    await t.http.get('/v1/customers').set('Authorization', auth).expect(200);
    const after = await scrape();
    const count = (store: string, operation: string) =>
      sample(after, 'store_operation_duration_seconds_count', { store, operation, outcome: 'ok' }) -
      sample(before, 'store_operation_duration_seconds_count', { store, operation, outcome: 'ok' });
    expect(count('event_store', 'append')).toBe(1);
    expect(count('event_store', 'read_stream')).toBeGreaterThanOrEqual(1);
    expect(count('idempotency', 'reserve')).toBe(1);
    expect(count('idempotency', 'complete')).toBe(1);
    expect(count('views', 'detail')).toBeGreaterThanOrEqual(1);
    expect(count('views', 'list')).toBe(1);
    // The projector committed the new event to the views (it waited for minPosition above).
    expect(count('views', 'commit')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'projection_events_total', { projection: 'account-detail' })).toBeGreaterThan(sample(before, 'projection_events_total', { projection: 'account-detail' }));
  });

  it('declares the rate-limit and parked-event series for the coming features', async () => {
    const text = await scrape();
    expect(text).toContain('# TYPE http_rate_limited_total counter');
    expect(text).toContain('# TYPE projection_parked_events gauge');
  });
});
