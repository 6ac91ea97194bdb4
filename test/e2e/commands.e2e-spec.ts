import { POSITION_PATTERN } from '@app/event-store';
import { billingProfile, newCustomer } from '../support/customers';
import { startTestApp, TestApp } from '../support/test-app';

describe('commands over HTTP (embedded)', () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
  });
  afterAll(() => t.close());

  async function establish(overrides: Record<string, unknown> = {}) {
    const body = newCustomer(overrides);
    const res = await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    return { id: body.tenantId, res };
  }

  it('establishes a relationship: 201, Location, ETag and {id, revision, position}', async () => {
    const { id, res } = await establish();
    expect(res.headers.location).toBe(`/v1/customers/${id}`);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toEqual({ id, revision: 0, position: expect.stringMatching(POSITION_PATTERN) });
  });

  it('answers 409 CUSTOMER_ALREADY_EXISTS when the same partner establishes the tenant again', async () => {
    const body = newCustomer();
    await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    const res = await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'CUSTOMER_ALREADY_EXISTS' });
  });

  it('renames, and a rename to the current name appends nothing', async () => {
    const { id } = await establish();
    const renamed = await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).send({ companyName: 'Friendly' }).expect(200);
    expect(renamed.body.revision).toBe(1);
    const again = await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).send({ companyName: '  Friendly ' }).expect(200);
    expect(again.body).toEqual(renamed.body);
    expect(again.headers.etag).toBe('"1"');
  });

  it('updates the billing profile only with If-Match: 428 without, 412 when stale', async () => {
    const { id } = await establish();
    const put = () => t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth);
    expect((await put().send(billingProfile()).expect(428)).body.code).toBe('PRECONDITION_REQUIRED');
    expect((await put().set('If-Match', '"7"').send(billingProfile()).expect(412)).body.code).toBe('REVISION_CONFLICT');
    const ok = await put().set('If-Match', '"0"').send(billingProfile()).expect(200);
    // BillingProfileUpdated plus CustomerRenamed, since the company name changed.
    expect(ok.body.revision).toBe(2);
  });

  it('grants and revokes self-purchase, enables and disables Cost Management', async () => {
    const { id } = await establish();
    const post = (path: string, body: object = {}) => t.http.post(`/v1/customers/${id}/${path}`).set('Authorization', auth).send(body);
    expect((await post('self-purchase/grant', { resources: ['AzureSavingsPlan'] }).expect(200)).body.revision).toBe(1);
    expect((await post('self-purchase/grant').expect(200)).body.revision).toBe(2);
    expect((await post('self-purchase/revoke').expect(200)).body.revision).toBe(3);
    expect((await post('cost-management/enable').expect(200)).body.revision).toBe(4);
    expect((await post('cost-management/enable').expect(200)).body.revision).toBe(4);
    expect((await post('cost-management/disable').expect(200)).body.revision).toBe(5);
  });

  it('refuses unknown properties with one entry per field', async () => {
    const { id } = await establish();
    const res = await t.http.post(`/v1/customers/${id}/cost-management/enable`).set('Authorization', auth).send({ x: 1, y: 2 }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([
      { field: 'x', message: expect.any(String) },
      { field: 'y', message: expect.any(String) },
    ]);
  });

  it('stamps commands with the injected clock and ids, so time and ids can be pinned', async () => {
    const pinned = await startTestApp({
      pin: { clock: { now: () => new Date('2030-01-02T03:04:05.678Z') }, ids: { next: () => '00000000-0000-4000-8000-00000000c0de' } },
    });
    try {
      const admin = `Bearer ${await pinned.token({ roles: ['admin-agent'] })}`;
      const body = newCustomer();
      await pinned.http.post('/v1/customers').set('Authorization', admin).send(body).expect(201);
      const history = await pinned.http.get(`/v1/customers/${body.tenantId}/history`).set('Authorization', admin).expect(200);
      expect(history.body.items).toEqual([
        expect.objectContaining({ occurredAt: '2030-01-02T03:04:05.678Z', commandId: '00000000-0000-4000-8000-00000000c0de' }),
      ]);
    } finally {
      await pinned.close();
    }
  });
});
