import { TENANT_ID as UUID_PATTERN } from '@app/domain';
import { POSITION_PATTERN } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import { ADDRESS, billingDetails } from '@app/domain/testing';
import { billingProfile } from '../support/customers';
import { HISTORY_ITEM_KEYS, HistoryItem, httpClient, Written } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

const freshPartner = (label: string) => `a-${label}-${randomUUID().slice(0, 8)}`;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type FeedItem = HistoryItem & { customerId: string };

/** Compares two opaque positions as the embedded store writes them ("<commit>-<prepare>"). */
function comparePositions(a: string, b: string): number {
  const [ac, ap] = a.split('-').map(BigInt);
  const [bc, bp] = b.split('-').map(BigInt);
  return ac !== bc ? (ac < bc ? -1 : 1) : ap !== bp ? (ap < bp ? -1 : 1) : 0;
}

/** Lets the clock move on, so two writes get different `occurredAt` instants (not a read-your-writes wait). */
async function nextMillisecond(after: string): Promise<void> {
  while (Date.now() <= Date.parse(after) + 1) await new Promise((r) => setTimeout(r, 2));
}

describe('audit over HTTP (embedded)', () => {
  describe('customer history', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp();
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it('lists the stream oldest first with who, when and why; X-Correlation-Id becomes correlationId', async () => {
      const partnerId = freshPartner('history');
      const writer = await c.bearer(partnerId, { sub: 'writer-1', roles: ['admin-agent', 'auditor'] });
      const seller = await c.bearer(partnerId, { sub: 'seller-2', roles: ['sales-agent'] });
      const auditor = await c.bearer(partnerId, { sub: 'auditor-3', roles: ['auditor'] });

      const created = await c.establish(writer, { companyName: 'Original Co', domain: 'original.example.com' }, { 'X-Correlation-Id': 'corr-establish-1' });
      const renamed = await c.rename(seller, created.id, 'Friendly Co', { 'X-Correlation-Id': 'corr-rename-2' });
      const granted = await c.post(writer, created.id, 'self-purchase/grant', { resources: ['AzureReservedInstances'] });

      const res = await c.get(auditor, `/v1/customers/${created.id}/history`).expect(200);
      expect(Object.keys(res.body)).toEqual(['items']);
      const items = res.body.items as HistoryItem[];
      expect(items).toHaveLength(3);
      for (const item of items) {
        expect(Object.keys(item).sort()).toEqual(HISTORY_ITEM_KEYS);
        expect(item.occurredAt).toMatch(ISO_INSTANT);
        expect(item.position).toMatch(POSITION_PATTERN);
        expect(item.commandId).toMatch(UUID_PATTERN);
      }
      expect(items.map((i) => i.revision)).toEqual([0, 1, 2]);
      expect(items.map((i) => i.position)).toEqual([created.position, renamed.position, granted.position]);
      expect(comparePositions(items[0].position, items[1].position)).toBeLessThan(0);
      expect(comparePositions(items[1].position, items[2].position)).toBeLessThan(0);
      expect(Date.parse(items[0].occurredAt)).toBeLessThanOrEqual(Date.parse(items[1].occurredAt));
      expect(items.map((i) => i.type)).toEqual(['CustomerRelationshipEstablished', 'CustomerRenamed', 'SelfPurchaseGranted']);

      expect(items[0]).toMatchObject({
        data: { tenantId: created.id, partnerId, companyName: 'Original Co', domain: 'original.example.com' },
        actor: { sub: 'writer-1', partnerId, roles: ['admin-agent', 'auditor'] },
        correlationId: 'corr-establish-1',
      });
      expect(items[0].actor).toEqual({ sub: 'writer-1', partnerId, roles: ['admin-agent', 'auditor'] });
      expect(items[1]).toMatchObject({
        data: { previousName: 'Original Co', companyName: 'Friendly Co' },
        correlationId: 'corr-rename-2',
      });
      expect(items[1].data).toEqual({ previousName: 'Original Co', companyName: 'Friendly Co' });
      expect(items[1].actor).toEqual({ sub: 'seller-2', partnerId, roles: ['sales-agent'] });
      expect(items[2].data).toEqual({ resources: ['AzureReservedInstances'] });
      expect(items[2].correlationId).toEqual(expect.any(String));
      expect(new Set(items.map((i) => i.commandId)).size).toBe(3);

      // admin-agent may read history too; reading roles without audit rights may not.
      await c.get(writer, `/v1/customers/${created.id}/history`).expect(200);
      for (const role of ['sales-agent', 'helpdesk-agent', 'billing-admin']) {
        const reader = await c.bearer(partnerId, { roles: [role] });
        expect((await c.get(reader, `/v1/customers/${created.id}/history`).expect(403)).body.code).toBe('FORBIDDEN');
      }
    });

    it('pages with fromRevision and limit', async () => {
      const auth = await c.bearer(freshPartner('history-paging'));
      const created = await c.establish(auth, { companyName: 'Name 0' });
      for (let n = 1; n <= 6; n++) await c.rename(auth, created.id, `Name ${n}`);

      const page = async (query: Record<string, number>) =>
        ((await c.get(auth, `/v1/customers/${created.id}/history`, query).expect(200)).body.items as HistoryItem[]).map((i) => i.revision);
      expect(await page({})).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(await page({ limit: 3 })).toEqual([0, 1, 2]);
      expect(await page({ fromRevision: 3, limit: 3 })).toEqual([3, 4, 5]);
      expect(await page({ fromRevision: 6, limit: 3 })).toEqual([6]);
      expect(await page({ fromRevision: 2 })).toEqual([2, 3, 4, 5, 6]);

      // Walking the pages visits every event once.
      const walked: number[] = [];
      for (let from = 0; walked.length < 20; ) {
        const items = await page({ fromRevision: from, limit: 2 });
        if (items.length === 0) break;
        walked.push(...items);
        from = items[items.length - 1] + 1;
      }
      expect(walked).toEqual([0, 1, 2, 3, 4, 5, 6]);

      for (const query of [{ limit: 0 }, { limit: 1001 }, { fromRevision: -1 }] as Record<string, number>[]) {
        expect((await c.get(auth, `/v1/customers/${created.id}/history`, query).expect(400)).body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('answers 404 for an unknown customer, and 200 with no items past the end of an existing stream', async () => {
      const partnerId = freshPartner('history-404');
      const auth = await c.bearer(partnerId);
      const created = await c.establish(auth);
      await c.rename(auth, created.id, 'Renamed');

      for (const id of [randomUUID(), 'not-a-tenant-id']) {
        const missing = await c.get(auth, `/v1/customers/${id}/history`).expect(404);
        expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(missing.body).toMatchObject({ status: 404, code: 'CUSTOMER_NOT_FOUND' });
      }
      // Another partner's customer is answered exactly as a missing one.
      const other = await c.bearer(freshPartner('history-other'));
      expect((await c.get(other, `/v1/customers/${created.id}/history`).expect(404)).body.code).toBe('CUSTOMER_NOT_FOUND');
      expect((await c.get(other, `/v1/customers/${created.id}/history`, { fromRevision: 5 }).expect(404)).body.code).toBe('CUSTOMER_NOT_FOUND');

      for (const fromRevision of [2, 50]) {
        const past = await c.get(auth, `/v1/customers/${created.id}/history`, { fromRevision }).expect(200);
        expect(past.body).toEqual({ items: [] });
      }
    });

    it("keeps the billing contact's personal data in one `contact` sub-object of BillingProfileUpdated", async () => {
      const auth = await c.bearer(freshPartner('history-pii'));
      const created = await c.establish(auth, { companyName: 'Pii Co' });
      await c.putBilling(
        auth,
        created.id,
        0,
        billingProfile({ companyName: 'Pii Co', firstName: ' Ada ', defaultAddress: { ...ADDRESS, addressLine2: 'Building 92', country: 'us' } }),
      );
      const items = (await c.get(auth, `/v1/customers/${created.id}/history`).expect(200)).body.items as HistoryItem[];
      expect(items.map((i) => i.type)).toEqual(['CustomerRelationshipEstablished', 'BillingProfileUpdated']);
      expect(items[1].data).toEqual(billingDetails({ defaultAddress: { ...ADDRESS, addressLine2: 'Building 92' } }));

      // The same holds for a billing profile given when the relationship is established.
      const { companyName: _n, ...details } = billingProfile();
      const withBilling = await c.establish(auth, { companyName: 'Est Co', billingProfile: details });
      const [established] = (await c.get(auth, `/v1/customers/${withBilling.id}/history`).expect(200)).body.items as HistoryItem[];
      const { defaultAddress, firstName, lastName, email, phoneNumber, culture, language } = details as Record<string, unknown>;
      expect(established.data.billingProfile).toEqual({ culture, language, contact: { firstName, lastName, email, phoneNumber, defaultAddress } });
    });
  });

  describe('as-of', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp();
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it('by revision: 0 is the original state, a later revision shows the rename; the latest equals the detail view', async () => {
      const partnerId = freshPartner('asof-rev');
      const auth = await c.bearer(partnerId, { sub: 'creator-1' });
      const renamer = await c.bearer(partnerId, { sub: 'renamer-2' });
      const created = await c.establish(auth, { companyName: 'Original Co', domain: 'original.example.com' });
      const renamed = await c.rename(renamer, created.id, 'Friendly Co');
      const enabled = await c.post(auth, created.id, 'cost-management/enable');
      const history = (await c.get(auth, `/v1/customers/${created.id}/history`).expect(200)).body.items as HistoryItem[];

      const at0 = await c.get(auth, `/v1/customers/${created.id}/as-of`, { revision: 0 }).expect(200);
      expect(at0.body).toEqual({
        id: created.id,
        breadcrumbName: 'Original Co',
        companyProfile: { tenantId: created.id, domain: 'original.example.com', companyName: 'Original Co' },
        billingProfile: { companyName: 'Original Co' },
        selfPurchase: { resources: [] },
        costManagement: { enabled: false },
        revision: 0,
        updatedAt: history[0].occurredAt,
        updatedBy: 'creator-1',
      });

      const at1 = await c.get(auth, `/v1/customers/${created.id}/as-of`, { revision: renamed.revision }).expect(200);
      expect(at1.body).toEqual({
        ...at0.body,
        billingProfile: { companyName: 'Friendly Co' },
        revision: 1,
        updatedAt: history[1].occurredAt,
        updatedBy: 'renamer-2',
      });

      // The same shape as the account-detail view: the latest as-of equals the live view.
      const at2 = await c.get(auth, `/v1/customers/${created.id}/as-of`, { revision: enabled.revision }).expect(200);
      const detail = await c.get(auth, `/v1/customers/${created.id}`, { minPosition: enabled.position }).expect(200);
      expect(at2.body).toEqual(detail.body);
      expect(at2.body.costManagement).toEqual({ enabled: true });
    });

    it('by time: before the first event is 404; between two writes shows the earlier state', async () => {
      const auth = await c.bearer(freshPartner('asof-at'));
      const created = await c.establish(auth, { companyName: 'Original Co' });
      const [first] = (await c.get(auth, `/v1/customers/${created.id}/history`).expect(200)).body.items as HistoryItem[];
      await nextMillisecond(first.occurredAt);
      await c.rename(auth, created.id, 'Friendly Co');
      const history = (await c.get(auth, `/v1/customers/${created.id}/history`).expect(200)).body.items as HistoryItem[];
      const t0 = Date.parse(history[0].occurredAt);
      const t1 = Date.parse(history[1].occurredAt);
      expect(t1).toBeGreaterThan(t0);
      const iso = (ms: number) => new Date(ms).toISOString();
      const asOf = (at: string) => c.get(auth, `/v1/customers/${created.id}/as-of`, { at });

      const before = await asOf(iso(t0 - 1)).expect(404);
      expect(before.body).toMatchObject({ status: 404, code: 'CUSTOMER_NOT_FOUND' });
      await asOf('2000-01-01T00:00:00Z').expect(404);

      for (const between of [t0, t0 + Math.floor((t1 - t0) / 2), t1 - 1]) {
        const res = await asOf(iso(between)).expect(200);
        expect(res.body).toMatchObject({ revision: 0, breadcrumbName: 'Original Co', billingProfile: { companyName: 'Original Co' } });
      }
      for (const later of [t1, t1 + 60_000]) {
        const res = await asOf(iso(later)).expect(200);
        expect(res.body).toMatchObject({ revision: 1, breadcrumbName: 'Original Co', billingProfile: { companyName: 'Friendly Co' } });
      }
    });

    it('answers 404 for an unknown customer and 400 unless exactly one of at or revision is given', async () => {
      const auth = await c.bearer(freshPartner('asof-bad'));
      const created = await c.establish(auth);
      const path = `/v1/customers/${created.id}/as-of`;
      await c.get(auth, `/v1/customers/${randomUUID()}/as-of`, { revision: 0 }).expect(404);
      await c.get(auth, `/v1/customers/${randomUUID()}/as-of`, { at: new Date().toISOString() }).expect(404);
      await c.get(await c.bearer(freshPartner('asof-other')), path, { revision: 0 }).expect(404);
      const bad: Record<string, string | number>[] = [{}, { revision: 0, at: new Date().toISOString() }, { at: 'yesterday' }, { revision: -1 }];
      for (const query of bad) {
        expect((await c.get(auth, path, query).expect(400)).body.code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('audit feed', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp();
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it("serves only the caller's partner's events, in log order, each with customerId; pages visit every event once", async () => {
      const partnerId = freshPartner('feed');
      const mine = await c.bearer(partnerId, { sub: 'mine' });
      // A partner whose id extends ours, and an unrelated one: their events must never show up.
      const lookalike = await c.bearer(`${partnerId}-b`, { sub: 'lookalike' });
      const stranger = await c.bearer(freshPartner('feed-stranger'), { sub: 'stranger' });
      const auditor = await c.bearer(partnerId, { roles: ['auditor'] });

      const expected: { customerId: string; position: string; type: string }[] = [];
      const record = (customerId: string, type: string) => (w: Written) => {
        expect(w.id).toBe(customerId);
        expect(w.position).toMatch(POSITION_PATTERN);
        expect(w.revision).toBeGreaterThanOrEqual(0);
        expected.push({ customerId, position: w.position, type });
      };

      const a = await c.establish(mine, { companyName: 'Feed A' });
      expected.push({ customerId: a.id, position: a.position, type: 'CustomerRelationshipEstablished' });
      await c.establish(lookalike, { companyName: 'Lookalike' });
      const b = await c.establish(mine, { companyName: 'Feed B' });
      expected.push({ customerId: b.id, position: b.position, type: 'CustomerRelationshipEstablished' });
      const s = await c.establish(stranger, { companyName: 'Stranger' });
      record(a.id, 'CustomerRenamed')(await c.rename(mine, a.id, 'Feed A renamed'));
      await c.rename(stranger, s.id, 'Stranger renamed');
      record(b.id, 'SelfPurchaseGranted')(await c.post(mine, b.id, 'self-purchase/grant'));
      record(b.id, 'CustomerRenamed')(await c.rename(mine, b.id, 'Feed B renamed'));
      record(a.id, 'CostManagementEnabled')(await c.post(mine, a.id, 'cost-management/enable'));
      const lookalikeSame = await c.establish(lookalike, { tenantId: a.id, companyName: 'Same tenant, other partner' });
      await c.rename(lookalike, lookalikeSame.id, 'Other partner rename');
      record(a.id, 'CustomerRenamed')(await c.rename(mine, a.id, 'Feed A again'));

      const all = await c.get(auditor, '/v1/audit/events').expect(200);
      expect(Object.keys(all.body).sort()).toEqual(['items', 'nextAfter']);
      const items = all.body.items as FeedItem[];
      expect(items.map(({ customerId, position, type }) => ({ customerId, position, type }))).toEqual(expected);
      for (const item of items) {
        expect(Object.keys(item).sort()).toEqual([...HISTORY_ITEM_KEYS, 'customerId'].sort());
        expect(item.actor).toEqual({ sub: 'mine', partnerId, roles: ['admin-agent'] });
      }
      for (let i = 1; i < items.length; i++) expect(comparePositions(items[i - 1].position, items[i].position)).toBeLessThan(0);
      expect(all.body.nextAfter).toBe(items[items.length - 1].position);

      // Each feed item is the customer's history item, plus customerId.
      const historyOfA = (await c.get(auditor, `/v1/customers/${a.id}/history`).expect(200)).body.items as HistoryItem[];
      expect(items.filter((i) => i.customerId === a.id)).toEqual(historyOfA.map((h) => ({ ...h, customerId: a.id })));

      // Paging with limit and after/nextAfter visits every event exactly once, in order.
      const visited: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const res = await c.get(auditor, '/v1/audit/events', after ? { limit: 2, after } : { limit: 2 }).expect(200);
        const got = res.body.items as FeedItem[];
        expect(got.length).toBeLessThanOrEqual(2);
        if (got.length === 0) {
          // Nothing newer: nextAfter is `after` unchanged.
          expect(res.body.nextAfter).toBe(after);
          break;
        }
        expect(res.body.nextAfter).toBe(got[got.length - 1].position);
        visited.push(...got.map((i) => i.position));
        after = res.body.nextAfter;
      }
      expect(visited).toEqual(expected.map((e) => e.position));

      const last = expected[expected.length - 1].position;
      const nothingNewer = await c.get(auditor, '/v1/audit/events', { after: last }).expect(200);
      expect(nothingNewer.body).toEqual({ items: [], nextAfter: last });
    });

    it('defaults limit to 100 in both the history and the feed', async () => {
      const auth = await c.bearer(freshPartner('feed-default'));
      const created = await c.establish(auth, { companyName: 'Name 0' });
      const positions = [created.position];
      for (let n = 1; n <= 104; n++) positions.push((await c.rename(auth, created.id, `Name ${n}`)).position);

      const history = await c.get(auth, `/v1/customers/${created.id}/history`).expect(200);
      expect(history.body.items.map((i: HistoryItem) => i.revision)).toEqual([...Array(100).keys()]);
      const feed = await c.get(auth, '/v1/audit/events').expect(200);
      expect(feed.body.items.map((i: FeedItem) => i.position)).toEqual(positions.slice(0, 100));
      expect(feed.body.nextAfter).toBe(positions[99]);
      const rest = await c.get(auth, '/v1/audit/events', { after: feed.body.nextAfter }).expect(200);
      expect(rest.body.items.map((i: FeedItem) => i.position)).toEqual(positions.slice(100));
      expect(rest.body.nextAfter).toBe(positions[104]);
    });

    it('filters by type', async () => {
      const partnerId = freshPartner('feed-type');
      const auth = await c.bearer(partnerId);
      const a = await c.establish(auth, { companyName: 'One' });
      const b = await c.establish(auth, { companyName: 'Two' });
      const r1 = await c.rename(auth, a.id, 'One renamed');
      await c.post(auth, b.id, 'cost-management/enable');
      const r2 = await c.rename(auth, b.id, 'Two renamed');
      await c.post(auth, a.id, 'self-purchase/grant');
      // A billing PUT that changes the company name also records a CustomerRenamed.
      const put = await c.putBilling(auth, a.id, 2, billingProfile({ companyName: 'One via billing' }));

      const res = await c.get(auth, '/v1/audit/events', { type: 'CustomerRenamed' }).expect(200);
      const items = res.body.items as FeedItem[];
      expect(items.map((i) => i.type)).toEqual(['CustomerRenamed', 'CustomerRenamed', 'CustomerRenamed']);
      expect(items.map((i) => i.customerId)).toEqual([a.id, b.id, a.id]);
      expect(items.map((i) => i.position)).toEqual([r1.position, r2.position, put.position]);
      expect(items.map((i) => i.data)).toEqual([
        { previousName: 'One', companyName: 'One renamed' },
        { previousName: 'Two', companyName: 'Two renamed' },
        { previousName: 'One renamed', companyName: 'One via billing' },
      ]);

      // Paging a filtered feed still visits each match once.
      const first = await c.get(auth, '/v1/audit/events', { type: 'CustomerRenamed', limit: 2 }).expect(200);
      expect(first.body.items.map((i: FeedItem) => i.position)).toEqual([r1.position, r2.position]);
      const second = await c.get(auth, '/v1/audit/events', { type: 'CustomerRenamed', limit: 2, after: first.body.nextAfter }).expect(200);
      expect(second.body.items.map((i: FeedItem) => i.position)).toEqual([put.position]);

      expect((await c.get(auth, '/v1/audit/events', { type: 'NoSuchEvent' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await c.get(auth, '/v1/audit/events', { limit: 0 }).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await c.get(auth, '/v1/audit/events', { after: 'start' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
      const helpdesk = await c.bearer(partnerId, { roles: ['helpdesk-agent'] });
      await c.get(helpdesk, '/v1/audit/events').expect(403);
    });
  });

  describe('operations', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp();
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it('GET /v1/projections lists both projections with checkpoint, head and no lag once caught up', async () => {
      const partnerId = freshPartner('ops');
      const auth = await c.bearer(partnerId);
      const created = await c.establish(auth);
      const last = await c.rename(auth, created.id, 'Caught Up');
      await c.get(auth, '/v1/customers', { minPosition: last.position }).expect(200);
      await c.get(auth, `/v1/customers/${created.id}`, { minPosition: last.position }).expect(200);

      const res = await c.get(auth, '/v1/projections').expect(200);
      const items = res.body.items as { name: string; checkpoint: string | null; head: string | null; lagEvents: number }[];
      expect(items.map((i) => i.name).sort()).toEqual(['account-detail', 'customer-list']);
      for (const item of items) {
        expect(item).toEqual({ name: item.name, generation: 1, checkpoint: last.position, head: last.position, lagEvents: 0, lagEventsAtLeast: false, lagSeconds: 0, checkpointAheadOfStore: false, parkedEvents: 0 });
      }

      for (const role of ['auditor', 'sales-agent']) {
        const other = await c.bearer(partnerId, { roles: [role] });
        expect((await c.get(other, '/v1/projections').expect(403)).body.code).toBe('FORBIDDEN');
      }
      await t.http.get('/v1/projections').expect(401);
    });

    it('answers /health/live and /health/ready without a token', async () => {
      const live = await t.http.get('/health/live').expect(200);
      expect(live.body).toEqual({ status: 'ok' });
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
      expect(Object.keys(ready.body.checks).length).toBeGreaterThan(0);
      for (const value of Object.values(ready.body.checks)) expect(value).toBe('up');
    });

    it('serves Prometheus metrics counting HTTP requests', async () => {
      await t.http.get('/health/live').expect(200);
      const res = await t.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain('# TYPE http_requests_total counter');
      expect(res.text).toMatch(/^http_requests_total\{[^}]*\} \d+/m);
    });

    it('serves the OpenAPI UI at /docs and the document at /docs-json', async () => {
      const ui = await t.http.get('/docs').redirects(2).expect(200);
      expect(ui.headers['content-type']).toMatch(/^text\/html/);
      const doc = await t.http.get('/docs-json').expect(200);
      expect(doc.headers['content-type']).toMatch(/json/);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(doc.body.paths).toHaveProperty(['/v1/customers']);
      expect(Object.keys(doc.body.paths['/v1/customers'])).toEqual(expect.arrayContaining(['get', 'post']));
    });
  });
});
