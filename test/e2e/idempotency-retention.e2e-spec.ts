import { randomUUID } from 'node:crypto';
import { newCustomer } from '../support/customers';
import { MovableClock } from '../support/movable-clock';
import { startTestApp, TestApp } from '../support/test-app';

const HOUR = 3_600_000;

describe('idempotency keys expire after IDEMPOTENCY_RETENTION_HOURS', () => {
  let t: TestApp;
  let auth: string;
  const clock = new MovableClock();

  beforeAll(async () => {
    t = await startTestApp({ env: { IDEMPOTENCY_RETENTION_HOURS: '2' }, pin: { clock } });
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
  });
  afterAll(() => t.close());

  const rename = (id: string, companyName: string, key: string) =>
    t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('Idempotency-Key', key).send({ companyName });

  async function establish(): Promise<string> {
    const body = newCustomer();
    await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    return body.tenantId;
  }

  it('replays within the retention, and takes the key as a new request after it (before any sweep could run)', async () => {
    const id = await establish();
    const key = `key-${randomUUID()}`;
    const first = await rename(id, 'First Name', key).expect(200);
    expect(first.body.revision).toBe(1);

    clock.advance(2 * HOUR - 60_000);
    expect((await rename(id, 'First Name', key).expect(200)).body).toEqual(first.body);
    expect((await rename(id, 'Second Name', key).expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    clock.advance(60_000);
    // The record has expired: another body under the key is a new write, applied and then replayed.
    const second = await rename(id, 'Second Name', key).expect(200);
    expect(second.body.revision).toBe(2);
    expect((await rename(id, 'Second Name', key).expect(200)).body).toEqual(second.body);
    expect((await rename(id, 'Third Name', key).expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const history = await t.http.get(`/v1/customers/${id}/history`).set('Authorization', auth).expect(200);
    expect(history.body.items.map((item: { data: { companyName?: string } }) => item.data.companyName).slice(1)).toEqual(['First Name', 'Second Name']);
  });
});
