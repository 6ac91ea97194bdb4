import { newCustomer } from '../support/customers';
import { startTestApp, TestApp } from '../support/test-app';

/** Every answer carries the request's correlation id, and the events it writes carry the same one. */
describe('correlation ids', () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
  });
  afterAll(() => t.close());

  it('echoes the caller’s X-Correlation-Id (or MS-CorrelationId) and stores it on the events', async () => {
    const body = newCustomer();
    const created = await t.http.post('/v1/customers').set('Authorization', auth).set('X-Correlation-Id', 'order-7f3a').send(body).expect(201);
    expect(created.headers['x-correlation-id']).toBe('order-7f3a');
    const renamed = await t.http.post(`/v1/customers/${body.tenantId}/rename`).set('Authorization', auth).set('MS-CorrelationId', 'pc-42').send({ companyName: 'B' }).expect(200);
    expect(renamed.headers['x-correlation-id']).toBe('pc-42');
    const history = await t.http.get(`/v1/customers/${body.tenantId}/history`).set('Authorization', auth).expect(200);
    expect(history.body.items.map((i: { correlationId: string }) => i.correlationId)).toEqual(['order-7f3a', 'pc-42']);
  });

  it('generates one when the caller sends none, and the events carry the one echoed', async () => {
    const body = newCustomer();
    const created = await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    const echoed = created.headers['x-correlation-id'];
    expect(echoed).toMatch(/^[\x21-\x7e]{1,128}$/);
    const history = await t.http.get(`/v1/customers/${body.tenantId}/history`).set('Authorization', auth).expect(200);
    expect(history.body.items[0].correlationId).toBe(echoed);
    const other = await t.http.get('/v1/customers').set('Authorization', auth).expect(200);
    expect(other.headers['x-correlation-id']).not.toBe(echoed);
  });

  it.each([
    ['401 without a token', (h: TestApp['http']) => h.get('/v1/customers'), 401],
    ['404 for an unknown route', (h: TestApp['http']) => h.get('/nowhere'), 404],
    ['415 for a body that is not JSON', (h: TestApp['http']) => h.post('/v1/customers').set('Content-Type', 'text/plain').send('x'), 415],
  ])('echoes it on errors too: %s', async (_name, send, status) => {
    const res = await send(t.http).set('X-Correlation-Id', 'err-1').expect(status);
    expect(res.headers['x-correlation-id']).toBe('err-1');
  });

  it('refuses a malformed one on every route with 400, echoing a generated one instead', async () => {
    for (const res of [
      await t.http.get('/v1/customers').set('Authorization', auth).set('X-Correlation-Id', 'has space'),
      await t.http.post('/v1/customers').set('Authorization', auth).set('X-Correlation-Id', 'x'.repeat(129)).send(newCustomer()),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'X-Correlation-Id', message: 'must be 1–128 visible ASCII characters' }]);
      expect(res.headers['x-correlation-id']).toMatch(/^[\x21-\x7e]{1,128}$/);
    }
  });
});
