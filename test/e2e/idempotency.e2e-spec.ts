import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { billingProfile, newCustomer } from '../support/customers';
import { startTestApp, TestApp } from '../support/test-app';
import { testSecret } from '../support/tokens';

type Headers = Record<string, string>;

/** What a client sees of a write: a replay must repeat all of it. */
function answer(res: Response) {
  return { status: res.status, body: res.body, etag: res.headers.etag, location: res.headers.location };
}

function newKey(): string {
  return `key-${randomUUID()}`;
}

describe('idempotency keys over HTTP (embedded)', () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, headers: Headers = {}, as = auth) =>
    t.http.post(path).set('Authorization', as).set(headers).send(body);

  async function history(id: string, as = auth): Promise<{ revision: number; type: string; data: Record<string, unknown> }[]> {
    const res = await t.http.get(`/v1/customers/${id}/history?limit=1000`).set('Authorization', as).expect(200);
    return res.body.items;
  }

  async function establish(): Promise<string> {
    const body = newCustomer();
    await post('/v1/customers', body).expect(201);
    return body.tenantId;
  }

  it('repeats the first answer of an establish (201 again, though the customer now exists) and writes nothing', async () => {
    const body = newCustomer();
    const key = newKey();
    const first = await post('/v1/customers', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(first.headers.etag).toBe('"0"');

    const again = await post('/v1/customers', body, { 'Idempotency-Key': key });
    expect(answer(again)).toEqual(answer(first));
    expect(await history(body.tenantId)).toHaveLength(1);

    // Without the key the same body is a second establish, which the domain refuses.
    expect((await post('/v1/customers', body).expect(409)).body.code).toBe('CUSTOMER_ALREADY_EXISTS');
  });

  it('repeats the first answer of a rename, even after later writes, and writes nothing', async () => {
    const id = await establish();
    const key = newKey();
    const first = await post(`/v1/customers/${id}/rename`, { companyName: 'Keyed Name' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, revision: 1 });

    const again = await post(`/v1/customers/${id}/rename`, { companyName: 'Keyed Name' }, { 'Idempotency-Key': key });
    expect(answer(again)).toEqual(answer(first));
    expect(await history(id)).toHaveLength(2);

    // The customer moves on; the keyed request still answers as it did then, and is not applied again.
    await post(`/v1/customers/${id}/rename`, { companyName: 'Someone Else' }).expect(200);
    const later = await post(`/v1/customers/${id}/rename`, { companyName: 'Keyed Name' }, { 'Idempotency-Key': key });
    expect(answer(later)).toEqual(answer(first));
    const items = await history(id);
    expect(items).toHaveLength(3);
    expect(items[2].data.companyName).toBe('Someone Else');
  });

  it('refuses the same key with another body or another route (422 IDEMPOTENCY_KEY_REUSED) and writes nothing', async () => {
    const id = await establish();
    const other = await establish();
    const key = newKey();
    await post(`/v1/customers/${id}/rename`, { companyName: 'First Use' }, { 'Idempotency-Key': key }).expect(200);

    const anotherBody = await post(`/v1/customers/${id}/rename`, { companyName: 'Second Use' }, { 'Idempotency-Key': key });
    expect(anotherBody.status).toBe(422);
    expect(anotherBody.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(anotherBody.body).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });

    const anotherCustomer = await post(`/v1/customers/${other}/rename`, { companyName: 'First Use' }, { 'Idempotency-Key': key });
    expect(anotherCustomer.status).toBe(422);
    expect(anotherCustomer.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const anotherCommand = await post(`/v1/customers/${id}/cost-management/enable`, {}, { 'Idempotency-Key': key });
    expect(anotherCommand.status).toBe(422);
    expect(anotherCommand.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const anotherEstablish = await post('/v1/customers', newCustomer(), { 'Idempotency-Key': key });
    expect(anotherEstablish.status).toBe(422);
    expect(anotherEstablish.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    expect((await history(id)).map((e) => e.type)).toEqual(['CustomerRelationshipEstablished', 'CustomerRenamed']);
    expect(await history(other)).toHaveLength(1);
  });

  it('takes MS-RequestId as an alias of Idempotency-Key', async () => {
    const id = await establish();
    const key = newKey();
    const first = await post(`/v1/customers/${id}/rename`, { companyName: 'Via MS-RequestId' }, { 'MS-RequestId': key });
    expect(first.status).toBe(200);

    const again = await post(`/v1/customers/${id}/rename`, { companyName: 'Via MS-RequestId' }, { 'MS-RequestId': key });
    expect(answer(again)).toEqual(answer(first));
    // One key, whichever header carries it.
    const viaIdempotencyKey = await post(`/v1/customers/${id}/rename`, { companyName: 'Via MS-RequestId' }, { 'Idempotency-Key': key });
    expect(answer(viaIdempotencyKey)).toEqual(answer(first));
    const reused = await post(`/v1/customers/${id}/rename`, { companyName: 'Other Body' }, { 'MS-RequestId': key });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await history(id)).toHaveLength(2);

    // An establish keyed by MS-RequestId replays as 201 too.
    const body = newCustomer();
    const estKey = newKey();
    const created = await post('/v1/customers', body, { 'MS-RequestId': estKey });
    expect(created.status).toBe(201);
    expect(answer(await post('/v1/customers', body, { 'MS-RequestId': estKey }))).toEqual(answer(created));
    expect(await history(body.tenantId)).toHaveLength(1);
  });

  it('scopes keys per partner: partner B may use partner A’s key for its own write', async () => {
    const authB = `Bearer ${await t.token({ partnerId: 'partner-b', roles: ['admin-agent'] })}`;
    const key = newKey();
    const bodyA = newCustomer({ companyName: 'Partner A Customer' });
    const bodyB = newCustomer({ companyName: 'Partner B Customer' });

    const a = await post('/v1/customers', bodyA, { 'Idempotency-Key': key });
    expect(a.status).toBe(201);
    const b = await post('/v1/customers', bodyB, { 'Idempotency-Key': key }, authB);
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ id: bodyB.tenantId, revision: 0 });
    expect(b.body.position).not.toBe(a.body.position);

    expect((await history(bodyB.tenantId, authB)).map((e) => e.data.companyName)).toEqual(['Partner B Customer']);
    // Each partner's key replays its own answer.
    expect(answer(await post('/v1/customers', bodyA, { 'Idempotency-Key': key }))).toEqual(answer(a));
    expect(answer(await post('/v1/customers', bodyB, { 'Idempotency-Key': key }, authB))).toEqual(answer(b));

    // Even the very same route and body under the same key is a separate write per partner.
    const shared = newCustomer();
    const sharedKey = newKey();
    await post('/v1/customers', shared, { 'Idempotency-Key': sharedKey }).expect(201);
    await post('/v1/customers', shared, { 'Idempotency-Key': sharedKey }, authB).expect(201);
    expect(await history(shared.tenantId)).toHaveLength(1);
    expect(await history(shared.tenantId, authB)).toHaveLength(1);
  });

  it('records no key for a failed write (404, 409, 412, 400): the key can then be used with another body', async () => {
    const id = await establish();

    const afterNotFound = newKey();
    const missing = await post(`/v1/customers/${randomUUID()}/rename`, { companyName: 'Nobody' }, { 'Idempotency-Key': afterNotFound });
    expect(missing.status).toBe(404);
    const reused404 = await post(`/v1/customers/${id}/rename`, { companyName: 'After 404' }, { 'Idempotency-Key': afterNotFound });
    expect(reused404.status).toBe(200);

    const afterConflict = newKey();
    const existing = newCustomer({ tenantId: id });
    expect((await post('/v1/customers', existing, { 'Idempotency-Key': afterConflict })).status).toBe(409);
    expect((await post(`/v1/customers/${id}/rename`, { companyName: 'After 409' }, { 'Idempotency-Key': afterConflict })).status).toBe(200);

    const afterStale = newKey();
    const stale = await post(`/v1/customers/${id}/cost-management/enable`, {}, { 'Idempotency-Key': afterStale, 'If-Match': '"0"' });
    expect(stale.status).toBe(412);
    expect((await post(`/v1/customers/${id}/rename`, { companyName: 'After 412' }, { 'Idempotency-Key': afterStale })).status).toBe(200);

    const afterInvalid = newKey();
    const invalid = await post(`/v1/customers/${id}/rename`, { companyName: '' }, { 'Idempotency-Key': afterInvalid });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    expect((await post(`/v1/customers/${id}/rename`, { companyName: 'After 400' }, { 'Idempotency-Key': afterInvalid })).status).toBe(200);

    expect((await history(id)).map((e) => e.data.companyName ?? e.type)).toEqual([
      'Contoso Ltd',
      'After 404',
      'After 409',
      'After 412',
      'After 400',
    ]);
  });

  it('validates before it looks the key up: an invalid body under a used key gets 400, not 422', async () => {
    const id = await establish();
    const key = newKey();
    await post(`/v1/customers/${id}/rename`, { companyName: 'Valid' }, { 'Idempotency-Key': key }).expect(200);

    const emptyName = await post(`/v1/customers/${id}/rename`, { companyName: '   ' }, { 'Idempotency-Key': key });
    expect(emptyName.status).toBe(400);
    expect(emptyName.body.code).toBe('VALIDATION_FAILED');

    const unknownProperty = await post(`/v1/customers/${id}/rename`, { companyName: 'Valid', extra: true }, { 'Idempotency-Key': key });
    expect(unknownProperty.status).toBe(400);
    expect(unknownProperty.body.code).toBe('VALIDATION_FAILED');

    const badEstablish = await post('/v1/customers', { tenantId: 'not-a-uuid', companyName: 'X', domain: 'x.example.com' }, { 'Idempotency-Key': key });
    expect(badEstablish.status).toBe(400);
    expect(badEstablish.body.code).toBe('VALIDATION_FAILED');

    // Authentication and authorization come first too.
    const anonymous = await t.http.post(`/v1/customers/${id}/rename`).set('Idempotency-Key', key).send({ companyName: 'Other' });
    expect(anonymous.status).toBe(401);
    const helpdesk = `Bearer ${await t.token({ roles: ['helpdesk-agent'] })}`;
    const forbidden = await post(`/v1/customers/${id}/rename`, { companyName: 'Other' }, { 'Idempotency-Key': key }, helpdesk);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');

    // The key still holds its first answer.
    const replay = await post(`/v1/customers/${id}/rename`, { companyName: 'Valid' }, { 'Idempotency-Key': key });
    expect(replay.status).toBe(200);
    expect(replay.body.revision).toBe(1);
    expect(await history(id)).toHaveLength(2);
  });

  it('gives 10 concurrent requests with the same key and body one answer and writes one set of events', async () => {
    const body = newCustomer();
    const estKey = newKey();
    const established = await Promise.all(Array.from({ length: 10 }, () => post('/v1/customers', body, { 'Idempotency-Key': estKey })));
    expect(established.map((r) => r.status)).toEqual(Array(10).fill(201));
    for (const r of established) expect(answer(r)).toEqual(answer(established[0]));
    expect(await history(body.tenantId)).toHaveLength(1);

    const id = body.tenantId;
    const renameKey = newKey();
    const renamed = await Promise.all(
      Array.from({ length: 10 }, () => post(`/v1/customers/${id}/rename`, { companyName: 'Concurrent Keyed' }, { 'Idempotency-Key': renameKey })),
    );
    expect(renamed.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of renamed) expect(answer(r)).toEqual(answer(renamed[0]));
    expect(renamed[0].body.revision).toBe(1);

    // A command of several events (billing profile with a new company name) is written once too.
    const billingKey = newKey();
    const profile = billingProfile({ companyName: 'Concurrent Billing' });
    const billed = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set({ 'Idempotency-Key': billingKey, 'If-Match': '"1"' }).send(profile),
      ),
    );
    expect(billed.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of billed) expect(answer(r)).toEqual(answer(billed[0]));

    expect((await history(id)).map((e) => e.type)).toEqual([
      'CustomerRelationshipEstablished',
      'CustomerRenamed',
      'BillingProfileUpdated',
      'CustomerRenamed',
    ]);
  });
});

describe('idempotency keys across a restart (embedded)', () => {
  let dataDir: string;
  let secret: string;
  let t: TestApp | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'customer-accounts-idem-'));
    secret = testSecret();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('repeats the first answers after the service restarts on the same data, writing nothing', async () => {
    t = await startTestApp({ dataDir, secret });
    let auth = `Bearer ${await t.token()}`;
    const body = newCustomer();
    const id = body.tenantId;
    const estKey = newKey();
    const renameKey = newKey();
    const created = answer(await t.http.post('/v1/customers').set('Authorization', auth).set('Idempotency-Key', estKey).send(body));
    const renamed = answer(
      await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('Idempotency-Key', renameKey).send({ companyName: 'Before Restart' }),
    );
    expect(created.status).toBe(201);
    expect(renamed.status).toBe(200);
    await t.close();
    t = undefined;

    t = await startTestApp({ dataDir, secret });
    auth = `Bearer ${await t.token()}`;
    const createdAgain = await t.http.post('/v1/customers').set('Authorization', auth).set('Idempotency-Key', estKey).send(body);
    expect(answer(createdAgain)).toEqual(created);
    const renamedAgain = await t.http
      .post(`/v1/customers/${id}/rename`)
      .set('Authorization', auth)
      .set('Idempotency-Key', renameKey)
      .send({ companyName: 'Before Restart' });
    expect(answer(renamedAgain)).toEqual(renamed);
    const reused = await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('Idempotency-Key', renameKey).send({ companyName: 'After Restart' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const history = await t.http.get(`/v1/customers/${id}/history`).set('Authorization', auth).expect(200);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(['CustomerRelationshipEstablished', 'CustomerRenamed']);
  });
});
