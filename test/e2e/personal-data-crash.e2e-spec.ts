import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { billingProfile } from '../support/customers';
import { assertBuilt, killAll, randomSecret, send, ServiceProcess, startService } from '../support/service-process';

/**
 * A crash (SIGKILL) between deleting the data key and appending PersonalDataErased: the contact is
 * already unreadable, the event is missing; the retry, with the same Idempotency-Key, appends it.
 */
const KILL_AFTER_KEY_ERASE = resolve(__dirname, '../support/kill-after-key-erase.js');

describe('personal data: a crash between the key deletion and the append', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pii-crash-'));
  const secret = randomSecret();
  const partnerId = `pii-crash-${randomBytes(4).toString('hex')}`;
  const id = randomUUID();
  const firstName = `Crashy${randomBytes(5).toString('hex')}`;

  beforeAll(() => assertBuilt());
  afterAll(async () => {
    await killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(service: ServiceProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const auth = `Bearer ${await service.token({ partnerId, roles: ['admin-agent'] })}`;
    return send(service, method, path, { headers: { Authorization: auth, ...headers }, body }).outcome;
  }
  const history = async (service: ServiceProcess) => (await call(service, 'GET', `/v1/customers/${id}/history?limit=100`)).body.items as { type: string; data: any }[];

  it('leaves the data erased and the erase owed; a retry completes it exactly once', async () => {
    let service = await startService({ dataDir, secret, env: { NODE_OPTIONS: `--require ${KILL_AFTER_KEY_ERASE}` } });
    expect((await call(service, 'POST', '/v1/customers', { tenantId: id, companyName: 'Crash AB', domain: 'crash.example.com' })).status).toBe(201);
    expect((await call(service, 'PUT', `/v1/customers/${id}/profiles/billing`, billingProfile({ companyName: 'Crash AB', firstName }), { 'If-Match': '"0"' })).status).toBe(200);

    const cut = await call(service, 'POST', `/v1/customers/${id}/personal-data/erase`, { reason: 'ticket 9' }, { 'Idempotency-Key': 'erase-9' });
    expect(cut.status).toBeUndefined();
    expect(await service.exited).toMatchObject({ signal: 'SIGKILL' });

    service = await startService({ dataDir, secret });
    const afterCrash = await history(service);
    expect(afterCrash.map((e) => e.type)).toEqual(['CustomerRelationshipEstablished', 'BillingProfileUpdated']);
    expect(afterCrash[1].data.contact).toMatchObject({ personalDataErased: true, firstName: null });

    const retried = await call(service, 'POST', `/v1/customers/${id}/personal-data/erase`, { reason: 'ticket 9' }, { 'Idempotency-Key': 'erase-9' });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id, revision: 2 });
    const again = await call(service, 'POST', `/v1/customers/${id}/personal-data/erase`, { reason: 'ticket 9' });
    expect(again.body).toEqual(retried.body);
    const done = await history(service);
    expect(done.map((e) => e.type)).toEqual(['CustomerRelationshipEstablished', 'BillingProfileUpdated', 'PersonalDataErased']);
    const billing = await call(service, 'GET', `/v1/customers/${id}/profiles/billing?minPosition=${encodeURIComponent(retried.body.position)}`);
    expect(billing.body).toMatchObject({ personalDataErased: true, firstName: null, companyName: 'Crash AB' });
    await service.kill();
  }, 90_000);
});
