import { randomUUID } from 'node:crypto';
import { billingProfile, newCustomer } from '../support/customers';
import { LogCapture } from '../support/log-capture';
import { startTestApp, TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Personal values no other text of a run could contain, so finding one in the logs means a leak.
const tag = randomUUID().slice(0, 8);
const PERSONAL = {
  firstName: `Zebulon${tag}`,
  lastName: `Quaritch${tag}`,
  email: `z.quaritch.${tag}@personal.example.org`,
  phoneNumber: `+44 20 7946 ${tag.replace(/\D/g, '7').slice(0, 4)}`,
  defaultAddress: {
    addressLine1: `${tag} Acacia Avenue`,
    addressLine2: `Flat ${tag}`,
    city: `Ravensbourne${tag}`,
    postalCode: `RB${tag.slice(0, 4)} 9ZZ`,
    country: 'GB',
  },
};
const PERSONAL_VALUES = [
  PERSONAL.firstName,
  PERSONAL.lastName,
  PERSONAL.email,
  PERSONAL.phoneNumber,
  PERSONAL.defaultAddress.addressLine1,
  PERSONAL.defaultAddress.addressLine2,
  PERSONAL.defaultAddress.city,
  PERSONAL.defaultAddress.postalCode,
];

describe('logs: one JSON line per request, correlation ids, no personal data (embedded)', () => {
  let t: TestApp;
  const logs = new LogCapture();
  let auth: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ logs });
    token = await t.token({ partnerId: 'partner-logs', sub: 'agent-7', roles: ['admin-agent'] });
    auth = `Bearer ${token}`;
  });
  afterAll(() => t.close());

  const requestLines = () => logs.records().filter((r) => typeof r.status === 'number' && r.route !== undefined);

  it('logs the request line with method, route template, status, latency, partner, subject and the correlation id', async () => {
    const created = await t.http.post('/v1/customers').set('Authorization', auth).send(newCustomer()).expect(201);
    const res = await t.http
      .post(`/v1/customers/${created.body.id}/rename`)
      .set('Authorization', auth)
      .set('X-Correlation-Id', 'corr-log-1')
      .send({ companyName: 'Logged Co' })
      .expect(200);
    expect(res.headers['x-correlation-id']).toBe('corr-log-1');
    const line = requestLines().find((r) => r.correlationId === 'corr-log-1' && r.route === '/v1/customers/:id/rename');
    expect(line).toEqual(
      expect.objectContaining({
        level: 'info',
        method: 'POST',
        path: `/v1/customers/${created.body.id}/rename`,
        route: '/v1/customers/:id/rename',
        status: 200,
        responseTime: expect.any(Number),
        partnerId: 'partner-logs',
        sub: 'agent-7',
        correlationId: 'corr-log-1',
        msg: 'POST /v1/customers/:id/rename 200',
        time: expect.any(String),
      }),
    );
    // Lines logged while the request ran (the handler's debug line) carry the same correlation id.
    const appended = logs.records().find((r) => r.msg === 'appended' && r.command === 'RenameCustomer' && r.correlationId === 'corr-log-1');
    expect(appended).toEqual(expect.objectContaining({ context: 'Commands', stream: expect.stringContaining(created.body.id), revision: 1 }));
  });

  it('makes a correlation id when none is sent, echoes it, and stores exactly it on the events', async () => {
    const body = newCustomer();
    const res = await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    const echoed = res.headers['x-correlation-id'];
    expect(echoed).toMatch(UUID);
    const history = await t.http.get(`/v1/customers/${body.tenantId}/history`).set('Authorization', auth).expect(200);
    expect(history.body.items[0].correlationId).toBe(echoed);
    expect(requestLines().find((r) => r.route === '/v1/customers' && r.status === 201 && r.correlationId === echoed)).toBeDefined();
  });

  it('echoes the id on every answer, refusals by middleware and guards included, under the name the caller used', async () => {
    const unauthenticated = await t.http.get('/v1/customers').set('X-Correlation-Id', 'corr-401').expect(401);
    expect(unauthenticated.headers['x-correlation-id']).toBe('corr-401');
    const missing = await t.http.get('/v1/nowhere').set('Authorization', auth).set('X-Correlation-Id', 'corr-404').expect(404);
    expect(missing.headers['x-correlation-id']).toBe('corr-404');
    const unsupported = await t.http
      .post('/v1/customers')
      .set('Authorization', auth)
      .set('X-Correlation-Id', 'corr-415')
      .set('Content-Type', 'text/plain')
      .send('not json')
      .expect(415);
    expect(unsupported.headers['x-correlation-id']).toBe('corr-415');
    const partnerCenter = await t.http.get('/v1/customers').set('Authorization', auth).set('MS-CorrelationId', 'ms-corr-1').expect(200);
    expect(partnerCenter.headers['ms-correlationid']).toBe('ms-corr-1');
    expect(partnerCenter.headers['x-correlation-id']).toBe('ms-corr-1');
    for (const id of ['corr-401', 'corr-404', 'corr-415', 'ms-corr-1']) {
      expect(requestLines().filter((r) => r.correlationId === id)).toHaveLength(1);
    }
    expect(requestLines().find((r) => r.correlationId === 'corr-415')).toEqual(expect.objectContaining({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }));
    expect(requestLines().find((r) => r.correlationId === 'corr-404')).toEqual(expect.objectContaining({ route: 'unmatched', status: 404 }));
  });

  it('refuses a write with an invalid correlation id (400) yet still echoes a valid one', async () => {
    const res = await t.http.post('/v1/customers').set('Authorization', auth).set('X-Correlation-Id', 'has space').send(newCustomer()).expect(400);
    expect(res.headers['x-correlation-id']).toMatch(UUID);
  });

  it('logs 401 and 403 as security events with the reason, never the token', async () => {
    const forged = `${token.slice(0, -4)}AAAA`;
    await t.http.get('/v1/customers').set('Authorization', `Bearer ${forged}`).set('X-Correlation-Id', 'corr-forged').expect(401);
    const helpdesk = await t.token({ partnerId: 'partner-logs', sub: 'helper-1', roles: ['helpdesk-agent'] });
    await t.http.post('/v1/customers').set('Authorization', `Bearer ${helpdesk}`).set('X-Correlation-Id', 'corr-denied').send(newCustomer()).expect(403);
    expect(requestLines().find((r) => r.correlationId === 'corr-forged')).toEqual(
      expect.objectContaining({ level: 'warn', status: 401, security: { event: 'authentication_failed', reason: 'The token is not valid.' } }),
    );
    expect(requestLines().find((r) => r.correlationId === 'corr-denied')).toEqual(
      expect.objectContaining({
        level: 'warn',
        status: 403,
        partnerId: 'partner-logs',
        sub: 'helper-1',
        security: { event: 'access_denied', reason: expect.stringContaining('admin-agent') },
      }),
    );
    const text = logs.text();
    for (const secret of [token, forged, helpdesk, token.split('.')[2], forged.split('.')[2]]) expect(text).not.toContain(secret);
  });

  it('never writes a billing contact’s personal data, whatever the request did', async () => {
    const body = newCustomer({ billingProfile: { ...billingProfile(PERSONAL), companyName: undefined } });
    delete (body.billingProfile as Record<string, unknown>).companyName;
    const created = await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    const id = created.body.id as string;
    const profile = billingProfile(PERSONAL);
    await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"0"').set('Idempotency-Key', `k-${tag}`).send(profile).expect(200);
    // A replay, a stale revision, a reused key, invalid fields, malformed JSON and the wrong type.
    await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"0"').set('Idempotency-Key', `k-${tag}`).send(profile).expect(200);
    await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"0"').send(profile).expect(412);
    await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"1"').set('Idempotency-Key', `k-${tag}`).send({ ...profile, companyName: 'Elsewhere Ltd' }).expect(422);
    await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"1"').send({ ...profile, email: `not-an-email ${PERSONAL.email}`, phoneNumber: `${PERSONAL.phoneNumber}\u0000` }).expect(400);
    await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"1"').set('Content-Type', 'application/json').send(`{"firstName":"${PERSONAL.firstName}",`).expect(400);
    await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"1"').set('Content-Type', 'text/plain').send(PERSONAL.email).expect(415);
    // Reads that return the personal data.
    await t.http.get(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).query({ minPosition: created.body.position }).expect(200);
    await t.http.get(`/v1/customers/${id}/history`).set('Authorization', auth).expect(200);
    await t.http.get('/v1/audit/export').set('Authorization', auth).query({ customer: id, format: 'csv' }).expect(200);
    await t.http.get('/v1/customers').set('Authorization', auth).query({ search: PERSONAL.lastName }).expect(200);

    expect(logs.lines.length).toBeGreaterThan(20);
    const text = logs.text().toLowerCase();
    const leaked = PERSONAL_VALUES.filter((value) => text.includes(value.toLowerCase()));
    expect(leaked).toEqual([]);
  });
});
