import { POSITION_PATTERN } from '@app/event-store';
import { newCustomer } from '../support/customers';
import type { HistoryItem } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

describe('concurrent writes over HTTP (embedded)', () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token({ roles: ['admin-agent'] })}`;
  });
  afterAll(() => t.close());

  async function establish(overrides: Record<string, unknown> = {}): Promise<string> {
    const body = newCustomer(overrides);
    await t.http.post('/v1/customers').set('Authorization', auth).send(body).expect(201);
    return body.tenantId;
  }

  async function history(id: string): Promise<HistoryItem[]> {
    const res = await t.http.get(`/v1/customers/${id}/history?limit=1000`).set('Authorization', auth).expect(200);
    return res.body.items;
  }

  const rename = (id: string, companyName: string) =>
    t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).send({ companyName });

  it('20 parallel renames with the same If-Match: exactly one 200, nineteen 412 REVISION_CONFLICT, one event', async () => {
    const id = await establish();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).set('If-Match', '"0"').send({ companyName: `Conditional ${i}` }),
      ),
    );

    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = answers.find((r) => r.status === 200)!;
    expect(winner.body).toEqual({ id, revision: 1, position: expect.stringMatching(POSITION_PATTERN) });
    expect(winner.headers.etag).toBe('"1"');
    for (const loser of answers.filter((r) => r.status === 412)) {
      expect(loser.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(loser.body).toMatchObject({ status: 412, code: 'REVISION_CONFLICT' });
    }

    const items = await history(id);
    const renames = items.filter((e) => e.type === 'CustomerRenamed');
    expect(renames).toHaveLength(1);
    expect(items).toHaveLength(2);
    // The event is the winner's: its name, at the revision and position the winner was answered.
    expect(renames[0]).toMatchObject({ revision: 1, position: winner.body.position, data: { companyName: `Conditional ${answers.indexOf(winner)}` } });
  });

  it('20 parallel unconditional renames all succeed with revisions 1..20, and history has 21 events', async () => {
    const id = await establish();
    const names = Array.from({ length: 20 }, (_, i) => `Unconditional ${String(i).padStart(2, '0')}`);
    const answers = await Promise.all(names.map((name) => rename(id, name)));

    expect(answers.map((r) => r.status)).toEqual(names.map(() => 200));
    const revisions = answers.map((r) => r.body.revision as number).sort((a, b) => a - b);
    expect(revisions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const r of answers) expect(r.headers.etag).toBe(`"${r.body.revision}"`);
    expect(new Set(answers.map((r) => r.body.position)).size).toBe(20);

    const items = await history(id);
    expect(items).toHaveLength(21);
    expect(items.map((e) => e.revision)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    // Each acknowledged rename is the event at the revision it was answered with.
    answers.forEach((r, i) => {
      const event = items[r.body.revision];
      expect(event).toMatchObject({ type: 'CustomerRenamed', position: r.body.position, data: { companyName: names[i] } });
    });
    // The renames chain: each one's previous name is the name the one before it set.
    for (let rev = 2; rev <= 20; rev++) {
      expect(items[rev].data.previousName).toBe(items[rev - 1].data.companyName);
    }
  });

  it('parallel writes of different kinds to several customers all succeed and each acknowledged revision is in history', async () => {
    const existing = await Promise.all(Array.from({ length: 4 }, (_, i) => establish({ companyName: `Existing ${i}` })));
    const fresh = Array.from({ length: 4 }, (_, i) => newCustomer({ companyName: `Fresh ${i}` }));

    type Write = { id: string; expectType: string; expectData?: Record<string, unknown>; send: () => Promise<import('supertest').Response> };
    const writes: Write[] = [];
    for (const c of fresh) {
      writes.push({
        id: c.tenantId,
        expectType: 'CustomerRelationshipEstablished',
        expectData: { companyName: c.companyName },
        send: () => t.http.post('/v1/customers').set('Authorization', auth).send(c),
      });
    }
    for (const id of existing) {
      const post = (path: string, body: object) => () => t.http.post(`/v1/customers/${id}/${path}`).set('Authorization', auth).send(body);
      for (const n of [1, 2, 3]) {
        writes.push({ id, expectType: 'CustomerRenamed', expectData: { companyName: `Renamed ${id.slice(0, 8)} ${n}` }, send: post('rename', { companyName: `Renamed ${id.slice(0, 8)} ${n}` }) });
      }
      writes.push({ id, expectType: 'SelfPurchaseGranted', send: post('self-purchase/grant', { resources: ['AzureReservedInstances'] }) });
      writes.push({ id, expectType: 'SelfPurchaseGranted', send: post('self-purchase/grant', { resources: ['AzureSavingsPlan'] }) });
      writes.push({ id, expectType: 'CostManagementEnabled', send: post('cost-management/enable', {}) });
    }

    const answers = await Promise.all(writes.map((w) => w.send()));

    answers.forEach((r, i) => {
      const w = writes[i];
      expect({ write: `${w.expectType} ${w.id}`, status: r.status }).toEqual({
        write: `${w.expectType} ${w.id}`,
        status: w.expectType === 'CustomerRelationshipEstablished' ? 201 : 200,
      });
      expect(r.body).toEqual({ id: w.id, revision: expect.any(Number), position: expect.stringMatching(POSITION_PATTERN) });
      expect(r.headers.etag).toBe(`"${r.body.revision}"`);
    });

    const histories = new Map<string, HistoryItem[]>();
    for (const id of [...existing, ...fresh.map((c) => c.tenantId)]) histories.set(id, await history(id));

    answers.forEach((r, i) => {
      const w = writes[i];
      const event = histories.get(w.id)![r.body.revision];
      expect(event).toBeDefined();
      expect(event).toMatchObject({ revision: r.body.revision, position: r.body.position, type: w.expectType, ...(w.expectData ? { data: w.expectData } : {}) });
    });
    // Every write to an existing customer changed something, so each got its own revision 1..6.
    for (const id of existing) {
      const revisions = answers.filter((_, i) => writes[i].id === id).map((r) => r.body.revision as number).sort((a, b) => a - b);
      expect(revisions).toEqual([1, 2, 3, 4, 5, 6]);
      expect(histories.get(id)).toHaveLength(7);
    }
    for (const c of fresh) expect(histories.get(c.tenantId)).toHaveLength(1);
  });
});
