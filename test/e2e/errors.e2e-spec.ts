import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { billingProfile, newCustomer } from '../support/customers';
import { startTestApp, TestApp } from '../support/test-app';

/** Every error: problem+json with {type, title, status, detail, code} and status equal to the HTTP status. */
function expectProblem(res: Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code }),
  );
  expect(res.body.type).not.toBe('');
  expect(res.body.title).not.toBe('');
}

/** A 400 VALIDATION_FAILED naming exactly these fields, one entry each. */
function expectFields(res: Response, fields: string[]): void {
  expectProblem(res, 400, 'VALIDATION_FAILED');
  expect(res.body.errors).toEqual(expect.any(Array));
  for (const error of res.body.errors) expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([...fields].sort());
}

/** The billing profile without its company name, as establish takes it. */
function billingDetails(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { companyName: _companyName, ...details } = billingProfile(overrides);
  return details;
}

describe('errors are RFC 9457 problem+json', () => {
  let t: TestApp;
  let auth: string;
  let id: string;
  let position: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
    const body = newCustomer();
    const res = await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    id = body.tenantId;
    position = res.body.position;
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string | number> = {}) => t.http.get(path).query(query).set('Authorization', auth);
  const post = (path: string, body: unknown) => t.http.post(path).set('Authorization', auth).send(body as object);

  describe('establish validation', () => {
    it('names a bad tenantId', async () => {
      expectFields(await post('/v1/customers', newCustomer({ tenantId: 'not-a-uuid' })), ['tenantId']);
    });

    it('names a missing domain', async () => {
      const { domain: _domain, ...body } = newCustomer();
      expectFields(await post('/v1/customers', body), ['domain']);
    });

    it('names an invalid domain', async () => {
      expectFields(await post('/v1/customers', newCustomer({ domain: 'not a domain' })), ['domain']);
    });

    it('names each unknown property', async () => {
      expectFields(await post('/v1/customers', newCustomer({ extra: 1, partnerId: 'someone-else' })), ['extra', 'partnerId']);
    });

    it('names nested unknown properties by their path', async () => {
      const body = newCustomer({
        billingProfile: billingDetails({ defaultAddress: { ...(billingProfile().defaultAddress as object), floor: 3 }, nickname: 'x' }),
      });
      expectFields(await post('/v1/customers', body), ['billingProfile.defaultAddress.floor', 'billingProfile.nickname']);
    });

    it('names nested bad fields by their path', async () => {
      const body = newCustomer({
        billingProfile: billingDetails({ email: 'not-an-email', defaultAddress: { ...(billingProfile().defaultAddress as object), country: 'XX' } }),
      });
      expectFields(await post('/v1/customers', body), ['billingProfile.email', 'billingProfile.defaultAddress.country']);
    });

    it('refuses a company name inside the billing profile on establish', async () => {
      const res = await post('/v1/customers', newCustomer({ billingProfile: billingProfile() }));
      expectFields(res, ['billingProfile.companyName']);
    });

    it('lists every bad field of one request at once', async () => {
      const res = await post('/v1/customers', { tenantId: 'nope', companyName: '   ', domain: '-bad-' });
      expectFields(res, ['tenantId', 'companyName', 'domain']);
    });

    it('refuses a body that is not a JSON object', async () => {
      const res = await t.http.post('/v1/customers').set('Authorization', auth).set('Content-Type', 'application/json').send('[1,2]');
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });
  });

  describe('billing profile validation', () => {
    const put = (path: string, body: object, ifMatch = '"0"') =>
      t.http.put(path).set('Authorization', auth).set('If-Match', ifMatch).send(body);

    it('names several bad fields at once, one entry each', async () => {
      const body = billingProfile({
        firstName: '',
        email: 'nope',
        phoneNumber: 'call me',
        language: 'english',
        defaultAddress: { addressLine1: '1 Microsoft Way', city: 'Redmond', postalCode: '98052', country: 'ZZ' },
      });
      expectFields(await put(`/v1/customers/${id}/profiles/billing`, body), ['firstName', 'email', 'phoneNumber', 'language', 'defaultAddress.country']);
    });

    it('names missing nested fields and unknown nested properties', async () => {
      const body = billingProfile({ defaultAddress: { addressLine1: '1 Way', postalCode: '1', country: 'US' } });
      expectFields(await put(`/v1/customers/${id}/profiles/billing`, body), ['defaultAddress.city']);
      const unknown = billingProfile({ defaultAddress: { ...(billingProfile().defaultAddress as object), zip: '1' } });
      expectFields(await put(`/v1/customers/${id}/profiles/billing`, unknown), ['defaultAddress.zip']);
    });

    it('refuses control characters', async () => {
      expectFields(await put(`/v1/customers/${id}/profiles/billing`, billingProfile({ lastName: 'Love\u0007lace' })), ['lastName']);
    });

    it('wrote nothing for the refused requests', async () => {
      const history = await get(`/v1/customers/${id}/history`).expect(200);
      expect(history.body.items).toHaveLength(1);
    });
  });

  describe('self-purchase validation', () => {
    it('names an unknown resource', async () => {
      expectFields(await post(`/v1/customers/${id}/self-purchase/grant`, { resources: ['AzureReservedInstances', 'Xbox'] }), ['resources']);
    });

    it('refuses an empty resources array', async () => {
      expectFields(await post(`/v1/customers/${id}/self-purchase/grant`, { resources: [] }), ['resources']);
      expectFields(await post(`/v1/customers/${id}/self-purchase/revoke`, { resources: [] }), ['resources']);
    });

    it('refuses resources that are not an array of strings', async () => {
      expectFields(await post(`/v1/customers/${id}/self-purchase/grant`, { resources: 'AzureSavingsPlan' }), ['resources']);
    });
  });

  describe('paths, routes and bodies', () => {
    it.each([
      ['post', 'rename', { companyName: 'X' }],
      ['post', 'self-purchase/grant', {}],
      ['post', 'self-purchase/revoke', {}],
      ['post', 'cost-management/enable', {}],
      ['post', 'cost-management/disable', {}],
      ['put', 'profiles/billing', billingProfile()],
    ] as const)('answers 400 for a non-UUID customer id: %s %s', async (method, path, body) => {
      const req = t.http[method](`/v1/customers/not-a-uuid/${path}`).set('Authorization', auth).set('If-Match', '"0"');
      const res = await req.send(body);
      expectFields(res, ['id']);
    });

    it('answers 404 NOT_FOUND for unknown routes, with and without a token', async () => {
      expectProblem(await t.http.get('/no/such/route'), 404, 'NOT_FOUND');
      expectProblem(await get('/v1/no-such-route'), 404, 'NOT_FOUND');
      expectProblem(await post(`/v1/customers/${id}/delete`, {}), 404, 'NOT_FOUND');
    });

    it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
      const res = await t.http.post('/v1/customers').set('Authorization', auth).set('Content-Type', 'application/json').send('{"tenantId": ');
      // The whole body in the expectation, so a failure shows what came back instead.
      expect(res.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON', title: 'Malformed JSON' });
      expectProblem(res, 400, 'MALFORMED_JSON');
    });

    it('answers 400 MALFORMED_JSON on a member route as well', async () => {
      const res = await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('Content-Type', 'application/json').send("{companyName: 'x'}");
      expectProblem(res, 400, 'MALFORMED_JSON');
    });

    it('answers 413 PAYLOAD_TOO_LARGE for a body over 64 KiB', async () => {
      const res = await post('/v1/customers', newCustomer({ companyName: 'x'.repeat(65 * 1024) }));
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 413 for a body over 64 KiB sent as another JSON media type (application/vnd.api+json)', async () => {
      const body = JSON.stringify(newCustomer({ companyName: 'x'.repeat(65 * 1024) }));
      const res = await t.http.post('/v1/customers').set('Authorization', auth).set('Content-Type', 'application/vnd.api+json').send(body);
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('list query validation', () => {
    it.each([['0'], ['201'], ['abc'], ['-1'], ['1.5']])('answers 400 for size=%s', async (size) => {
      expectFields(await get('/v1/customers', { size }), ['size']);
    });

    it('accepts size=1 and size=200', async () => {
      await get('/v1/customers', { size: 1 }).expect(200);
      await get('/v1/customers', { size: 200 }).expect(200);
    });

    it.each([['not-a-token!'], [Buffer.from('{"a":1}').toString('base64url')], [Buffer.from('[1,2]').toString('base64url')]])(
      'answers 400 for an invalid continuation %s',
      async (continuation) => {
        expectFields(await get('/v1/customers', { continuation }), ['continuation']);
      },
    );

    it.each([['abc'], ['12'], ['1-'], ['-1-2'], ['1-2-3']])('answers 400 for minPosition=%s on list and detail', async (minPosition) => {
      expectFields(await get('/v1/customers', { minPosition }), ['minPosition']);
      expectFields(await get(`/v1/customers/${id}`, { minPosition }), ['minPosition']);
      expectFields(await get(`/v1/customers/${id}/profiles/billing`, { minPosition }), ['minPosition']);
    });

    it('accepts a position returned by a write', async () => {
      await get('/v1/customers', { minPosition: position }).expect(200);
    });

    it('refuses unknown query parameters', async () => {
      expectFields(await get('/v1/customers', { sort: 'name' }), ['sort']);
    });
  });

  describe('audit query validation', () => {
    it.each([['0'], ['1001'], ['abc']])('answers 400 for history limit=%s', async (limit) => {
      expectFields(await get(`/v1/customers/${id}/history`, { limit }), ['limit']);
    });

    it('accepts history limit=1 and limit=1000, and answers 400 for fromRevision=-1', async () => {
      await get(`/v1/customers/${id}/history`, { limit: 1 }).expect(200);
      await get(`/v1/customers/${id}/history`, { limit: 1000 }).expect(200);
      expectFields(await get(`/v1/customers/${id}/history`, { fromRevision: -1 }), ['fromRevision']);
    });

    it.each([['0'], ['1001'], ['x']])('answers 400 for audit feed limit=%s', async (limit) => {
      expectFields(await get('/v1/audit/events', { limit }), ['limit']);
    });

    it('accepts audit feed limit=1 and limit=1000', async () => {
      await get('/v1/audit/events', { limit: 1 }).expect(200);
      await get('/v1/audit/events', { limit: 1000 }).expect(200);
    });

    it.each([['abc'], ['12'], ['1-x'], ['-1-0']])('answers 400 for audit feed after=%s', async (after) => {
      expectFields(await get('/v1/audit/events', { after }), ['after']);
    });

    it('answers 400 for an unknown event type, and accepts a known one', async () => {
      expectFields(await get('/v1/audit/events', { type: 'CustomerDeleted' }), ['type']);
      await get('/v1/audit/events', { type: 'CustomerRenamed' }).expect(200);
    });

    it('answers 400 for as-of with neither at nor revision', async () => {
      expectProblem(await get(`/v1/customers/${id}/as-of`), 400, 'VALIDATION_FAILED');
    });

    it('answers 400 for as-of with both at and revision', async () => {
      expectProblem(await get(`/v1/customers/${id}/as-of`, { at: new Date().toISOString(), revision: 0 }), 400, 'VALIDATION_FAILED');
    });

    it.each([['yesterday'], ['2024-13-45T00:00:00Z'], ['1700000000000'], ['']])('answers 400 for as-of at=%j', async (at) => {
      expectProblem(await get(`/v1/customers/${id}/as-of`, { at }), 400, 'VALIDATION_FAILED');
    });

    it.each([['-1'], ['abc'], ['1.5']])('answers 400 for as-of revision=%s', async (revision) => {
      expectFields(await get(`/v1/customers/${id}/as-of`, { revision }), ['revision']);
    });

    it('answers 404 for an as-of before the customer existed', async () => {
      expectProblem(await get(`/v1/customers/${id}/as-of`, { at: '2000-01-01T00:00:00Z' }), 404, 'CUSTOMER_NOT_FOUND');
    });
  });

  describe('headers', () => {
    it.each([['abc'], ['0'], ['"abc"'], ['W/"0"'], ['"-1"'], ['"0", "1"']])('answers 400 for If-Match %s on the billing PUT and on rename', async (ifMatch) => {
      const put = await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', ifMatch).send(billingProfile());
      expectFields(put, ['If-Match']);
      const rename = await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('If-Match', ifMatch).send({ companyName: 'Renamed' });
      expectFields(rename, ['If-Match']);
    });

    it('answers 400 for an Idempotency-Key longer than 128 characters (and its MS-RequestId alias, named as sent)', async () => {
      const long = 'k'.repeat(129);
      expectFields(await t.http.post('/v1/customers').set('Authorization', auth).set('Idempotency-Key', long).send(newCustomer()), ['Idempotency-Key']);
      expectFields(await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('MS-RequestId', long).send({ companyName: 'Y' }), ['MS-RequestId']);
    });

    it('accepts an Idempotency-Key of exactly 128 characters', async () => {
      await t.http.post('/v1/customers').set('Authorization', auth).set('Idempotency-Key', 'k'.repeat(128)).send(newCustomer()).expect(201);
    });

    it('validates before looking up an Idempotency-Key: a reused key with an invalid body is 400, not 422', async () => {
      const key = randomUUID();
      const body = newCustomer();
      await t.http.post('/v1/customers').set('Authorization', auth).set('Idempotency-Key', key).send(body).expect(201);
      const invalid = await t.http.post('/v1/customers').set('Authorization', auth).set('Idempotency-Key', key).send({ ...body, tenantId: 'nope' });
      expectFields(invalid, ['tenantId']);
    });

    it('wrote nothing for the refused header cases', async () => {
      const history = await get(`/v1/customers/${id}/history`).expect(200);
      expect(history.body.items).toHaveLength(1);
    });
  });

  describe('every error status carries the problem shape', () => {
    it('401, 403, 404, 409, 412, 428', async () => {
      expectProblem(await t.http.get('/v1/customers'), 401, 'UNAUTHENTICATED');
      const helpdesk = `Bearer ${await t.token({ roles: ['helpdesk-agent'] })}`;
      expectProblem(await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', helpdesk).send({ companyName: 'X' }), 403, 'FORBIDDEN');
      expectProblem(await get(`/v1/customers/${randomUUID()}`), 404, 'CUSTOMER_NOT_FOUND');
      expectProblem(await post('/v1/customers', newCustomer({ tenantId: id })), 409, 'CUSTOMER_ALREADY_EXISTS');
      const billing = `/v1/customers/${id}/profiles/billing`;
      expectProblem(await t.http.put(billing).set('Authorization', auth).set('If-Match', '"9"').send(billingProfile()), 412, 'REVISION_CONFLICT');
      expectProblem(await t.http.put(billing).set('Authorization', auth).send(billingProfile()), 428, 'PRECONDITION_REQUIRED');
    });

    it('422 for a reused Idempotency-Key with another body', async () => {
      const key = randomUUID();
      await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('Idempotency-Key', key).send({ companyName: 'First' }).expect(200);
      const res = await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('Idempotency-Key', key).send({ companyName: 'Second' });
      expectProblem(res, 422, 'IDEMPOTENCY_KEY_REUSED');
    });

    it('400 for a minPosition past the end of the log (503 VIEW_NOT_CAUGHT_UP is for views behind a real write: queries spec)', async () => {
      expectFields(await get('/v1/customers', { minPosition: '999999999-999999999' }), ['minPosition']);
    });
  });
});
