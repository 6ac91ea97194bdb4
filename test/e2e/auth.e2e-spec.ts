import { POSITION_PATTERN } from '@app/event-store';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { billingProfile, newCustomer } from '../support/customers';
import { startTestApp, TestApp } from '../support/test-app';
import { mintToken, TEST_AUDIENCE, TEST_ISSUER, testSecret, TokenClaims } from '../support/tokens';

const ROLES = ['admin-agent', 'sales-agent', 'helpdesk-agent', 'billing-admin', 'auditor'] as const;

const nowSeconds = () => Math.floor(Date.now() / 1000);

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The claims of a token the service accepts, with some replaced or left out. */
function claims(overrides: Record<string, unknown> = {}, omit: string[] = []): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    sub: 'user-1',
    partner_id: 'partner-a',
    partner_type: 'direct-csp',
    roles: ['admin-agent'],
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    iat: nowSeconds(),
    exp: nowSeconds() + 3600,
    ...overrides,
  };
  for (const name of omit) delete payload[name];
  return payload;
}

/** Signs exactly the given payload, so a test can send claims mintToken would never produce. */
function signRaw(secret: string, payload: Record<string, unknown>, alg = 'HS256'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

function expectProblem(res: Response, status: number, code: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { code } });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code }),
  );
}

function expectUnauthenticated(res: Response): void {
  expectProblem(res, 401, 'UNAUTHENTICATED');
  expect(res.headers['www-authenticate']).toBe('Bearer');
}

describe('authentication: the JWT attack matrix', () => {
  let t: TestApp;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = `Bearer ${await t.token({ roles: ['auditor'] })}`;
  });
  afterAll(() => t.close());

  // Each case builds the Authorization header (undefined: none at all).
  const cases: [string, () => Promise<string | undefined>][] = [
    ['no Authorization header', async () => undefined],
    ['a Basic scheme', async () => `Basic ${Buffer.from('user:password').toString('base64')}`],
    ['a valid token under another scheme', async () => `Token ${await t.token()}`],
    ['a valid token with no scheme', async () => t.token()],
    ['Bearer with no token', async () => 'Bearer '],
    ['a garbage token', async () => 'Bearer garbage'],
    ['a garbage three-part token', async () => 'Bearer aaaa.bbbb.cccc'],
    ['a token signed with another secret', async () => `Bearer ${await mintToken(testSecret())}`],
    ['an unsigned token (alg none)', async () => `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`],
    ['an unsigned token (alg none) with a signature copied from a valid token', async () => {
      const valid = (await t.token()).split('.')[2];
      return `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.${valid}`;
    }],
    ['HS512 with the right secret', async () => `Bearer ${await mintToken(t.secret, {}, { alg: 'HS512' })}`],
    ['HS384 with the right secret', async () => `Bearer ${await mintToken(t.secret, {}, { alg: 'HS384' })}`],
    ['a wrong issuer', async () => `Bearer ${await mintToken(t.secret, {}, { issuer: 'https://evil.test' })}`],
    ['a wrong audience', async () => `Bearer ${await mintToken(t.secret, {}, { audience: 'another-service' })}`],
    ['an expired token', async () => `Bearer ${await mintToken(t.secret, {}, { expiresIn: nowSeconds() - 60 })}`],
    ['a token not valid yet (nbf in the future)', async () => `Bearer ${await signRaw(t.secret, claims({ nbf: nowSeconds() + 600 }))}`],
    ['a token issued in the future (iat past the clock-skew leeway)', async () => `Bearer ${await signRaw(t.secret, claims({ iat: nowSeconds() + 600 }))}`],
    ['an iat that is not a number', async () => `Bearer ${await signRaw(t.secret, claims({ iat: 'yesterday' }))}`],
    ['no exp claim', async () => `Bearer ${await signRaw(t.secret, claims({}, ['exp']))}`],
    ['no iss claim', async () => `Bearer ${await signRaw(t.secret, claims({}, ['iss']))}`],
    ['no aud claim', async () => `Bearer ${await signRaw(t.secret, claims({}, ['aud']))}`],
    ['a missing sub', async () => `Bearer ${await signRaw(t.secret, claims({}, ['sub']))}`],
    ['an empty sub', async () => `Bearer ${await signRaw(t.secret, claims({ sub: '' }))}`],
    ['a missing partner_id', async () => `Bearer ${await signRaw(t.secret, claims({}, ['partner_id']))}`],
    ['an empty partner_id', async () => `Bearer ${await signRaw(t.secret, claims({ partner_id: '' }))}`],
    ['a numeric partner_id', async () => `Bearer ${await signRaw(t.secret, claims({ partner_id: 42 }))}`],
    ['a partner_id over 128 characters', async () => `Bearer ${await signRaw(t.secret, claims({ partner_id: 'p'.repeat(129) }))}`],
    ['a partner_id with a control character', async () => `Bearer ${await signRaw(t.secret, claims({ partner_id: 'partner-\u0001a' }))}`],
    ['an unknown partner_type', async () => `Bearer ${await mintToken(t.secret, { partnerType: 'reseller' })}`],
    ['a missing partner_type', async () => `Bearer ${await signRaw(t.secret, claims({}, ['partner_type']))}`],
    ['roles as a string', async () => `Bearer ${await signRaw(t.secret, claims({ roles: 'admin-agent' }))}`],
    ['roles as an object', async () => `Bearer ${await signRaw(t.secret, claims({ roles: { 0: 'admin-agent' } }))}`],
    ['missing roles', async () => `Bearer ${await signRaw(t.secret, claims({}, ['roles']))}`],
  ];

  it('accepts the hand-signed control token (so the cases below fail for their one defect)', async () => {
    const authorization = `Bearer ${await signRaw(t.secret, claims())}`;
    await t.http.get('/v1/customers').set('Authorization', authorization).expect(200);
  });

  it('accepts an iat a little ahead of this clock (within the leeway for clock skew)', async () => {
    const authorization = `Bearer ${await signRaw(t.secret, claims({ iat: nowSeconds() + 30 }))}`;
    await t.http.get('/v1/customers').set('Authorization', authorization).expect(200);
  });

  it.each(cases)('answers 401 on a read route for %s', async (_name, header) => {
    const authorization = await header();
    const req = t.http.get('/v1/customers');
    if (authorization !== undefined) req.set('Authorization', authorization);
    expectUnauthenticated(await req);
  });

  it.each(cases)('answers 401 on a write route for %s, and writes nothing', async (_name, header) => {
    const authorization = await header();
    const body = newCustomer();
    const req = t.http.post('/v1/customers');
    if (authorization !== undefined) req.set('Authorization', authorization);
    expectUnauthenticated(await req.send(body));
    const history = await t.http.get(`/v1/customers/${body.tenantId}/history`).set('Authorization', auditor);
    expectProblem(history, 404, 'CUSTOMER_NOT_FOUND');
  });

  it('answers 401 on detail, history, the audit feed and projections without a token', async () => {
    const id = randomUUID();
    for (const path of [`/v1/customers/${id}`, `/v1/customers/${id}/history`, '/v1/audit/events', '/v1/projections']) {
      expectUnauthenticated(await t.http.get(path));
    }
    expectUnauthenticated(await t.http.post(`/v1/customers/${id}/rename`).send({ companyName: 'X' }));
  });

  it('serves /health/live, /health/ready, /metrics and /docs-json without a token', async () => {
    expect((await t.http.get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const docs = await t.http.get('/docs-json').expect(200);
    expect(docs.body.openapi).toEqual(expect.any(String));
    expect(docs.body.paths).toHaveProperty(['/v1/customers']);
  });
});

describe('authorization: who may do what', () => {
  let t: TestApp;
  let admin: string;
  let auditor: string;
  let existing: string;
  let lastPosition: string;

  const bearer = async (claims: TokenClaims) => `Bearer ${await t.token(claims)}`;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await bearer({ roles: ['admin-agent'] });
    auditor = await bearer({ roles: ['auditor'] });
    const body = newCustomer({ companyName: 'Existing Ltd', billingProfile: (({ companyName: _c, ...rest }) => rest)(billingProfile()) });
    const res = await t.http.post('/v1/customers').set('Authorization', admin).send(body).expect(201);
    existing = body.tenantId;
    lastPosition = res.body.position;
  });
  afterAll(() => t.close());

  const allowedWriters: [string, string[]][] = [
    ['direct-csp', ['admin-agent']],
    ['direct-csp', ['sales-agent']],
    ['indirect-provider', ['admin-agent']],
    ['indirect-provider', ['sales-agent']],
    ['direct-csp', ['helpdesk-agent', 'sales-agent']],
  ];

  it.each(allowedWriters)('lets a %s partner with roles %j write every command', async (partnerType, roles) => {
    const auth = await bearer({ partnerType, roles });
    const body = newCustomer();
    const id = body.tenantId;
    const created = await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    expect(created.body).toEqual({ id, revision: 0, position: expect.stringMatching(POSITION_PATTERN) });
    const post = (path: string, payload: object = {}) => t.http.post(`/v1/customers/${id}/${path}`).set('Authorization', auth).send(payload);
    expect((await post('rename', { companyName: 'Renamed' }).expect(200)).body.revision).toBe(1);
    const put = await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"1"').send(billingProfile()).expect(200);
    expect(put.body.revision).toBe(3);
    expect((await post('self-purchase/grant').expect(200)).body.revision).toBe(4);
    expect((await post('self-purchase/revoke').expect(200)).body.revision).toBe(5);
    expect((await post('cost-management/enable').expect(200)).body.revision).toBe(6);
    expect((await post('cost-management/disable').expect(200)).body.revision).toBe(7);
  });

  const forbiddenWriters: [string, string[]][] = [
    ['indirect-reseller', ['admin-agent']],
    ['indirect-reseller', ['sales-agent']],
    ['indirect-reseller', ['admin-agent', 'sales-agent']],
    ['direct-csp', ['helpdesk-agent']],
    ['direct-csp', ['billing-admin']],
    ['direct-csp', ['auditor']],
    ['direct-csp', ['helpdesk-agent', 'billing-admin', 'auditor']],
    ['indirect-provider', ['helpdesk-agent']],
    ['indirect-provider', ['billing-admin']],
    ['indirect-provider', ['auditor']],
    ['direct-csp', []],
    ['direct-csp', ['owner', 'Admin-Agent']],
  ];

  it.each(forbiddenWriters)('answers 403 FORBIDDEN to a %s partner with roles %j on every write, and writes nothing', async (partnerType, roles) => {
    const auth = await bearer({ partnerType, roles });
    const fresh = newCustomer();
    expectProblem(await t.http.post('/v1/customers').set('Authorization', auth).send(fresh), 403, 'FORBIDDEN');
    expectProblem(await t.http.get(`/v1/customers/${fresh.tenantId}/history`).set('Authorization', auditor), 404, 'CUSTOMER_NOT_FOUND');

    const before = await t.http.get(`/v1/customers/${existing}/history`).set('Authorization', auditor).expect(200);
    const post = (path: string, payload: object = {}) => t.http.post(`/v1/customers/${existing}/${path}`).set('Authorization', auth).send(payload);
    expectProblem(await post('rename', { companyName: 'Hijacked' }), 403, 'FORBIDDEN');
    expectProblem(
      await t.http.put(`/v1/customers/${existing}/profiles/billing`).set('Authorization', auth).set('If-Match', '"0"').send(billingProfile({ companyName: 'Hijacked' })),
      403,
      'FORBIDDEN',
    );
    expectProblem(await post('self-purchase/grant'), 403, 'FORBIDDEN');
    expectProblem(await post('self-purchase/revoke'), 403, 'FORBIDDEN');
    expectProblem(await post('cost-management/enable'), 403, 'FORBIDDEN');
    expectProblem(await post('cost-management/disable'), 403, 'FORBIDDEN');
    const after = await t.http.get(`/v1/customers/${existing}/history`).set('Authorization', auditor).expect(200);
    expect(after.body).toEqual(before.body);
    expect(after.body.items.map((i: { type: string }) => i.type)).toEqual(['CustomerRelationshipEstablished']);
  });

  it('answers 403 before looking at the body (an invalid body from a forbidden caller is still 403)', async () => {
    const auth = await bearer({ partnerType: 'indirect-reseller', roles: ['admin-agent'] });
    expectProblem(await t.http.post('/v1/customers').set('Authorization', auth).send({ nonsense: true }), 403, 'FORBIDDEN');
  });

  it.each(ROLES.map((r) => [r]))('lets %s read the list, the detail and both profiles', async (role) => {
    for (const partnerType of ['direct-csp', 'indirect-provider', 'indirect-reseller']) {
      const auth = await bearer({ partnerType, roles: [role] });
      const list = await t.http.get('/v1/customers').query({ minPosition: lastPosition }).set('Authorization', auth).expect(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).toContain(existing);
      const detail = await t.http.get(`/v1/customers/${existing}`).query({ minPosition: lastPosition }).set('Authorization', auth).expect(200);
      expect(detail.body.id).toBe(existing);
      const company = await t.http.get(`/v1/customers/${existing}/profiles/company`).set('Authorization', auth).expect(200);
      expect(company.body).toEqual({ tenantId: existing, domain: 'contoso.onmicrosoft.com', companyName: 'Existing Ltd' });
      const billing = await t.http.get(`/v1/customers/${existing}/profiles/billing`).set('Authorization', auth).expect(200);
      expect(billing.body.companyName).toEqual(expect.any(String));
    }
  });

  it('answers 403 to reads from a token with no known role', async () => {
    const auth = await bearer({ roles: ['owner'] });
    expectProblem(await t.http.get('/v1/customers').set('Authorization', auth), 403, 'FORBIDDEN');
    expectProblem(await t.http.get(`/v1/customers/${existing}`).set('Authorization', auth), 403, 'FORBIDDEN');
  });

  const auditRoutes = () => [`/v1/customers/${existing}/history`, `/v1/customers/${existing}/as-of?revision=0`, `/v1/customers/${existing}/as-of?at=${encodeURIComponent(new Date().toISOString())}`, '/v1/audit/events'];

  it.each([['auditor'], ['admin-agent']])('lets %s read history, as-of and the audit feed', async (role) => {
    const auth = await bearer({ roles: [role] });
    for (const path of auditRoutes()) await t.http.get(path).set('Authorization', auth).expect(200);
  });

  it.each([['sales-agent'], ['helpdesk-agent'], ['billing-admin']])('answers 403 to %s on history, as-of and the audit feed', async (role) => {
    const auth = await bearer({ roles: [role] });
    for (const path of auditRoutes()) expectProblem(await t.http.get(path).set('Authorization', auth), 403, 'FORBIDDEN');
  });

  it('lets only admin-agent read /v1/projections', async () => {
    const ok = await t.http.get('/v1/projections').set('Authorization', admin).expect(200);
    expect(ok.body.items.map((p: { name: string }) => p.name).sort()).toEqual(['account-detail', 'customer-list']);
    for (const role of ['sales-agent', 'helpdesk-agent', 'billing-admin', 'auditor']) {
      expectProblem(await t.http.get('/v1/projections').set('Authorization', await bearer({ roles: [role] })), 403, 'FORBIDDEN');
    }
  });
});

describe('ownership: a partner sees only its own relationships', () => {
  let t: TestApp;
  let a: string;
  let b: string;
  let aOnly: string;
  let aPosition: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = `Bearer ${await t.token({ partnerId: 'partner-a', roles: ['admin-agent'] })}`;
    b = `Bearer ${await t.token({ partnerId: 'partner-b', roles: ['admin-agent'] })}`;
    const body = newCustomer({ companyName: 'A Secret Customer', domain: 'asecret.onmicrosoft.com' });
    await t.http.post('/v1/customers').set('Authorization', a).send(body).expect(201);
    aOnly = body.tenantId;
    const granted = await t.http.post(`/v1/customers/${aOnly}/self-purchase/grant`).set('Authorization', a).send({}).expect(200);
    aPosition = granted.body.position;
    // Partner B has customers of its own, so its list and feed are not trivially empty.
    await t.http.post('/v1/customers').set('Authorization', b).send(newCustomer({ companyName: 'B Own Customer' })).expect(201);
  });
  afterAll(() => t.close());

  const probes: [string, (id: string) => [method: 'get' | 'post' | 'put', path: string, body?: object, ifMatch?: string]][] = [
    ['GET detail', (id) => ['get', `/v1/customers/${id}`]],
    ['GET profiles/company', (id) => ['get', `/v1/customers/${id}/profiles/company`]],
    ['GET profiles/billing', (id) => ['get', `/v1/customers/${id}/profiles/billing`]],
    ['GET history', (id) => ['get', `/v1/customers/${id}/history`]],
    ['GET as-of by revision', (id) => ['get', `/v1/customers/${id}/as-of?revision=0`]],
    ['GET as-of by instant', (id) => ['get', `/v1/customers/${id}/as-of?at=${encodeURIComponent(new Date().toISOString())}`]],
    ['POST rename', (id) => ['post', `/v1/customers/${id}/rename`, { companyName: 'Stolen' }]],
    ['POST self-purchase/grant', (id) => ['post', `/v1/customers/${id}/self-purchase/grant`, {}]],
    ['POST self-purchase/revoke', (id) => ['post', `/v1/customers/${id}/self-purchase/revoke`, {}]],
    ['POST cost-management/enable', (id) => ['post', `/v1/customers/${id}/cost-management/enable`, {}]],
    ['PUT profiles/billing with If-Match "0"', (id) => ['put', `/v1/customers/${id}/profiles/billing`, billingProfile(), '"0"']],
    ['PUT profiles/billing with If-Match "1"', (id) => ['put', `/v1/customers/${id}/profiles/billing`, billingProfile(), '"1"']],
  ];

  async function call(auth: string, [method, path, body, ifMatch]: ReturnType<(typeof probes)[number][1]>): Promise<Response> {
    const req = t.http[method](path).set('Authorization', auth);
    if (ifMatch) req.set('If-Match', ifMatch);
    return body === undefined ? req : req.send(body);
  }

  it.each(probes)("answers partner B's %s on partner A's customer exactly as for a never-created id", async (_name, probe) => {
    const leaked = await call(b, probe(aOnly));
    const missing = await call(b, probe(randomUUID()));
    expectProblem(leaked, 404, 'CUSTOMER_NOT_FOUND');
    expectProblem(missing, 404, 'CUSTOMER_NOT_FOUND');
    expect(leaked.body).toEqual(missing.body);
    expect(leaked.headers['content-type']).toBe(missing.headers['content-type']);
    // No header tells them apart either (Express's weak ETag hashes the identical body).
    expect(leaked.headers.etag).toBe(missing.headers.etag);
    expect(leaked.headers.etag ?? '').not.toMatch(/^"\d+"$/);
  });

  it("leaves partner A's stream untouched by partner B's attempts", async () => {
    const history = await t.http.get(`/v1/customers/${aOnly}/history`).set('Authorization', a).expect(200);
    expect(history.body.items.map((i: { type: string }) => i.type)).toEqual(['CustomerRelationshipEstablished', 'SelfPurchaseGranted']);
    const detail = await t.http.get(`/v1/customers/${aOnly}`).query({ minPosition: aPosition }).set('Authorization', a).expect(200);
    expect(detail.body.billingProfile.companyName).toBe('A Secret Customer');
  });

  it("never shows partner A's customers in partner B's list, nor A's events in B's audit feed", async () => {
    const list = await t.http.get('/v1/customers').query({ minPosition: aPosition, size: 200 }).set('Authorization', b).expect(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(aOnly);
    const searched = await t.http.get('/v1/customers').query({ search: 'A Secret', minPosition: aPosition }).set('Authorization', b).expect(200);
    expect(searched.body.items).toEqual([]);
    const bySearchDomain = await t.http.get('/v1/customers').query({ search: 'asecret', minPosition: aPosition }).set('Authorization', b).expect(200);
    expect(bySearchDomain.body.items).toEqual([]);

    const feed = await t.http.get('/v1/audit/events').query({ limit: 1000 }).set('Authorization', b).expect(200);
    expect(feed.body.items.length).toBeGreaterThan(0);
    for (const item of feed.body.items) {
      expect(item.customerId).not.toBe(aOnly);
      expect(item.actor.partnerId).toBe('partner-b');
    }
    const typed = await t.http.get('/v1/audit/events').query({ type: 'SelfPurchaseGranted' }).set('Authorization', b).expect(200);
    expect(typed.body.items).toEqual([]);
  });

  it('lets both partners establish the same tenant independently, each with its own names', async () => {
    const tenantId = randomUUID();
    const resA = await t.http.post('/v1/customers').set('Authorization', a).send(newCustomer({ tenantId, companyName: 'Alpha Name', domain: 'alpha.example.com' })).expect(201);
    const resB = await t.http.post('/v1/customers').set('Authorization', b).send(newCustomer({ tenantId, companyName: 'Beta Name', domain: 'beta.example.com' })).expect(201);
    expect(resA.body).toMatchObject({ id: tenantId, revision: 0 });
    expect(resB.body).toMatchObject({ id: tenantId, revision: 0 });

    const renamed = await t.http.post(`/v1/customers/${tenantId}/rename`).set('Authorization', a).send({ companyName: 'Alpha Friendly' }).expect(200);
    expect(renamed.body.revision).toBe(1);
    const minPosition = renamed.body.position;

    const detailA = await t.http.get(`/v1/customers/${tenantId}`).query({ minPosition }).set('Authorization', a).expect(200);
    expect(detailA.body).toMatchObject({
      id: tenantId,
      breadcrumbName: 'Alpha Name',
      companyProfile: { tenantId, domain: 'alpha.example.com', companyName: 'Alpha Name' },
      billingProfile: { companyName: 'Alpha Friendly' },
      revision: 1,
    });
    const detailB = await t.http.get(`/v1/customers/${tenantId}`).query({ minPosition }).set('Authorization', b).expect(200);
    expect(detailB.body).toMatchObject({
      id: tenantId,
      breadcrumbName: 'Beta Name',
      companyProfile: { tenantId, domain: 'beta.example.com', companyName: 'Beta Name' },
      billingProfile: { companyName: 'Beta Name' },
      revision: 0,
    });

    const listB = await t.http.get('/v1/customers').query({ minPosition, size: 200 }).set('Authorization', b).expect(200);
    const inB = listB.body.items.filter((i: { id: string }) => i.id === tenantId);
    expect(inB).toEqual([expect.objectContaining({ companyName: 'Beta Name', domain: 'beta.example.com', revision: 0 })]);
    const listA = await t.http.get('/v1/customers').query({ minPosition, size: 200 }).set('Authorization', a).expect(200);
    const inA = listA.body.items.filter((i: { id: string }) => i.id === tenantId);
    expect(inA).toEqual([expect.objectContaining({ companyName: 'Alpha Friendly', domain: 'alpha.example.com', revision: 1 })]);

    const historyB = await t.http.get(`/v1/customers/${tenantId}/history`).set('Authorization', b).expect(200);
    expect(historyB.body.items).toHaveLength(1);
    expect(historyB.body.items[0]).toMatchObject({ type: 'CustomerRelationshipEstablished', actor: { partnerId: 'partner-b' } });
    const asOfB = await t.http.get(`/v1/customers/${tenantId}/as-of?revision=0`).set('Authorization', b).expect(200);
    expect(asOfB.body.breadcrumbName).toBe('Beta Name');
    expect((await t.http.get(`/v1/customers/${tenantId}/history`).set('Authorization', a).expect(200)).body.items).toHaveLength(2);

    // Each partner's own second establish is a conflict; the other partner's relationship is not.
    expectProblem(await t.http.post('/v1/customers').set('Authorization', b).send(newCustomer({ tenantId })), 409, 'CUSTOMER_ALREADY_EXISTS');
  });
});

describe('ownership: partner ids that prefix one another', () => {
  let t: TestApp;
  let acme: string;
  let acmeEu: string;
  const ids = { acme: randomUUID(), acmeEu: randomUUID(), shared: randomUUID() };

  beforeAll(async () => {
    t = await startTestApp();
    acme = `Bearer ${await t.token({ partnerId: 'acme', roles: ['admin-agent'] })}`;
    acmeEu = `Bearer ${await t.token({ partnerId: 'acme-eu', roles: ['admin-agent'] })}`;
    await t.http.post('/v1/customers').set('Authorization', acme).send(newCustomer({ tenantId: ids.acme, companyName: 'Acme Own' })).expect(201);
    await t.http.post('/v1/customers').set('Authorization', acmeEu).send(newCustomer({ tenantId: ids.acmeEu, companyName: 'Acme EU Own' })).expect(201);
    await t.http.post(`/v1/customers/${ids.acmeEu}/cost-management/enable`).set('Authorization', acmeEu).send({}).expect(200);
    await t.http.post('/v1/customers').set('Authorization', acmeEu).send(newCustomer({ tenantId: ids.shared, companyName: 'Shared EU' })).expect(201);
    await t.http.post('/v1/customers').set('Authorization', acme).send(newCustomer({ tenantId: ids.shared, companyName: 'Shared' })).expect(201);
  });
  afterAll(() => t.close());

  async function feed(auth: string, query: Record<string, string | number> = {}) {
    const res = await t.http.get('/v1/audit/events').query({ limit: 1000, ...query }).set('Authorization', auth).expect(200);
    return res.body.items as { customerId: string; type: string; actor: { partnerId: string } }[];
  }

  it("keeps 'acme' and 'acme-eu' out of each other's audit feed", async () => {
    const acmeItems = await feed(acme);
    expect(acmeItems.map((i) => [i.customerId, i.type])).toEqual([
      [ids.acme, 'CustomerRelationshipEstablished'],
      [ids.shared, 'CustomerRelationshipEstablished'],
    ]);
    expect(acmeItems.every((i) => i.actor.partnerId === 'acme')).toBe(true);

    const euItems = await feed(acmeEu);
    expect(euItems.map((i) => [i.customerId, i.type])).toEqual([
      [ids.acmeEu, 'CustomerRelationshipEstablished'],
      [ids.acmeEu, 'CostManagementEnabled'],
      [ids.shared, 'CustomerRelationshipEstablished'],
    ]);
    expect(euItems.every((i) => i.actor.partnerId === 'acme-eu')).toBe(true);

    expect(await feed(acme, { type: 'CostManagementEnabled' })).toEqual([]);
    expect(await feed(acme, { limit: 1 })).toHaveLength(1);
  });

  it("keeps 'acme' and 'acme-eu' out of each other's customers", async () => {
    expectProblem(await t.http.get(`/v1/customers/${ids.acmeEu}/history`).set('Authorization', acme), 404, 'CUSTOMER_NOT_FOUND');
    expectProblem(await t.http.get(`/v1/customers/${ids.acme}/history`).set('Authorization', acmeEu), 404, 'CUSTOMER_NOT_FOUND');
    const shared = await t.http.get(`/v1/customers/${ids.shared}/as-of?revision=0`).set('Authorization', acme).expect(200);
    expect(shared.body.breadcrumbName).toBe('Shared');
    const sharedEu = await t.http.get(`/v1/customers/${ids.shared}/history`).set('Authorization', acmeEu).expect(200);
    expect(sharedEu.body.items.map((i: { data: { companyName: string } }) => i.data.companyName)).toEqual(['Shared EU']);
  });
});
