import type { Response } from 'supertest';
import { billingProfile, newCustomer } from '../support/customers';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * What careful testers and a fuzzer sent: each answer is a 4xx problem with a clear code, never a
 * 500, and nothing is written.
 */
function problem(res: Response, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code, type: res.headers['content-type'] }).toEqual({
    status,
    code,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  return res.body as { detail: string; errors?: { field: string; message: string }[] };
}

const fieldsOf = (res: Response) => problem(res, 400, 'VALIDATION_FAILED').errors!.map((e) => e.field).sort();
const messageOf = (res: Response, field: string) => problem(res, 400, 'VALIDATION_FAILED').errors!.find((e) => e.field === field)?.message;

describe('hostile input', () => {
  let t: TestApp;
  let auth: string;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
    const body = newCustomer();
    await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    id = body.tenantId;
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string> = {}) => t.http.get(path).query(query).set('Authorization', auth);
  const post = (path: string) => t.http.post(path).set('Authorization', auth);
  const history = async () => (await get(`/v1/customers/${id}/history`).expect(200)).body.items.length as number;

  it('answers 400 BODY_TOO_DEEP for deeply nested JSON well under 64 KiB, before anything recurses into it', async () => {
    for (const nest of [(inner: string) => `{"a":${inner}}`, (inner: string) => `[${inner}]`]) {
      let body = '1';
      for (let i = 0; i < 5_000; i++) body = nest(body);
      const res = await post(`/v1/customers/${id}/rename`).set('Content-Type', 'application/json').send(`{"companyName":"X","x":${body}}`);
      expect(problem(res, 400, 'BODY_TOO_DEEP').detail).toMatch(/levels deep/);
    }
    // The real shapes are far from the bound.
    await t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', '"0"').send(billingProfile()).expect(200);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key anywhere in a body, by name', async (key) => {
    const before = await history();
    const top = await post(`/v1/customers/${id}/rename`).set('Content-Type', 'application/json').send(`{"companyName":"Polluted","${key}":{"isAdmin":true}}`);
    expect(fieldsOf(top)).toEqual([key]);
    expect(messageOf(top, key)).toBe('is not an allowed property name');
    const nested = await post(`/v1/customers/${id}/self-purchase/grant`)
      .set('Content-Type', 'application/json')
      .send(`{"resources":["AzureSavingsPlan"],"deep":{"${key}":{"polluted":1}}}`);
    expect(fieldsOf(nested)).toEqual([`deep.${key}`]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(await history()).toBe(before);
  });

  it.each([
    ['text/plain', 'companyName=X'],
    ['application/x-www-form-urlencoded', 'companyName=X'],
    ['application/xml', '<companyName>X</companyName>'],
  ])('answers 415 UNSUPPORTED_MEDIA_TYPE for a write sent as %s', async (type, body) => {
    const res = await post(`/v1/customers/${id}/rename`).set('Content-Type', type).send(body);
    problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('still takes a write without a body and without a content type', async () => {
    await post(`/v1/customers/${id}/cost-management/enable`).expect(200);
  });

  it.each([
    ['after', '/v1/audit/events', '9223372036854775808-0'],
    ['after', '/v1/audit/events', '0-99999999999999999999'],
    ['minPosition', '/v1/customers', '18446744073709551616-1'],
  ])('answers 400 for %s past 2^63 (%s)', async (field, path, value) => {
    expect(fieldsOf(await get(path, { [field]: value }))).toEqual([field]);
  });

  it.each([['9223372036854775808'], ['1e21'], ['99999999999999999999']])('answers 400 for fromRevision and revision %s', async (value) => {
    expect(fieldsOf(await get(`/v1/customers/${id}/history`, { fromRevision: value }))).toEqual(['fromRevision']);
    expect(fieldsOf(await get(`/v1/customers/${id}/as-of`, { revision: value }))).toEqual(['revision']);
  });

  it.each([['2027-W01-1'], ['2026-335'], ['20261201T070000Z'], ['2026-12-01'], ['2026-02-30T00:00:00Z'], ['2026-12-01T07:00Z'], ['2026-12-01T07:00:00']])(
    'refuses the date %s in at, from and to: RFC 3339 date-times only',
    async (value) => {
      expect(fieldsOf(await get(`/v1/customers/${id}/as-of`, { at: value }))).toEqual(['at']);
      expect(fieldsOf(await get('/v1/audit/export', { from: value }))).toEqual(['from']);
      expect(fieldsOf(await get('/v1/audit/export', { to: value }))).toEqual(['to']);
    },
  );

  it('accepts RFC 3339 date-times with Z, an offset and fractions', async () => {
    for (const at of ['2999-01-01T00:00:00Z', '2999-01-01T01:00:00+01:00', '2999-01-01t00:00:00.123456z']) {
      await get(`/v1/customers/${id}/as-of`, { at }).expect(200);
    }
  });

  it.each([
    [' 5', 'size must be an integer'],
    ['0x10', 'size must be an integer'],
    ['1e2', 'size must be an integer'],
    ['abc', 'size must be an integer'],
    ['201', 'size must not be greater than 200'],
  ])('answers 400 for size=%j with the message "%s"', async (size, message) => {
    expect(messageOf(await get('/v1/customers', { size }), 'size')).toBe(message.replace(/^size /, ''));
  });

  it('refuses a lookalike name with an invisible character, and stores names in NFC', async () => {
    const lookalike = await post(`/v1/customers/${id}/rename`).send({ companyName: 'Contoso\u200b Ltd' });
    expect(fieldsOf(lookalike)).toEqual(['companyName']);
    const renamed = await post(`/v1/customers/${id}/rename`).send({ companyName: 'Cafe\u0301 Ltd' }).expect(200);
    const detail = await get(`/v1/customers/${id}`, { minPosition: renamed.body.position }).expect(200);
    expect(detail.body.billingProfile.companyName).toBe('Caf\u00e9 Ltd');
  });

  it('reports an unknown property and bad values of one body in one answer', async () => {
    const res = await t.http.post('/v1/customers').set('Authorization', auth).send({ ...newCustomer({ companyName: '', domain: 'not a domain' }), extra: 1 });
    expect(fieldsOf(res)).toEqual(['companyName', 'domain', 'extra']);
  });

  it('checks every copy of an aliased header, an empty one included, and refuses copies that disagree', async () => {
    const before = await history();
    const revoke = () => post(`/v1/customers/${id}/self-purchase/revoke`);
    expect(fieldsOf(await revoke().set('Idempotency-Key', 'k-1').set('MS-RequestId', ''))).toEqual(['MS-RequestId']);
    expect(fieldsOf(await revoke().set('MS-RequestId', ''))).toEqual(['MS-RequestId']);
    expect(messageOf(await revoke().set('Idempotency-Key', 'k-1').set('MS-RequestId', 'k-2'), 'Idempotency-Key')).toMatch(/MS-RequestId/);
    expect(fieldsOf(await get('/v1/customers').set('X-Correlation-Id', 'c-1').set('MS-CorrelationId', ''))).toEqual(['MS-CorrelationId']);
    expect(fieldsOf(await get('/v1/customers').set('X-Correlation-Id', 'c-1').set('MS-CorrelationId', 'c-2'))).toEqual(['X-Correlation-Id']);
    expect(await history()).toBe(before);
    // The same value under both names is one key, not a conflict.
    await revoke().set('Idempotency-Key', 'k-1').set('MS-RequestId', 'k-1').expect(200);
  });
});
