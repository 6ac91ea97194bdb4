import { randomUUID } from 'node:crypto';
import { billingProfile } from '../support/customers';
import { httpClient } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

// Each test works under its own partner id, so no test sees another's customers in the list.
const freshPartner = (label: string) => `q-${label}-${randomUUID().slice(0, 8)}`;

const LIST_ITEM_KEYS = ['companyName', 'costManagement', 'domain', 'id', 'revision', 'selfPurchase', 'updatedAt'];
const DETAIL_KEYS = ['billingProfile', 'breadcrumbName', 'companyProfile', 'costManagement', 'id', 'revision', 'selfPurchase', 'updatedAt', 'updatedBy'];
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The case-insensitive order the list promises (ASCII names in these tests). */
const byFriendlyName = (a: { name: string }, b: { name: string }) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

describe('queries over HTTP (embedded)', () => {
  describe('customer list view', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp();
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it('shows items with exactly {id, companyName, domain, selfPurchase, costManagement, revision, updatedAt}', async () => {
      const auth = await c.bearer(freshPartner('shape'));
      const created = await c.establish(auth, { companyName: 'Contoso Ltd', domain: 'Contoso.OnMicrosoft.com' });
      const fresh = await c.list(auth, { minPosition: created.position }).expect(200);
      expect(fresh.body).toEqual({
        items: [
          {
            id: created.id,
            companyName: 'Contoso Ltd',
            domain: 'contoso.onmicrosoft.com',
            selfPurchase: { resources: [] },
            costManagement: { enabled: false },
            revision: 0,
            updatedAt: expect.stringMatching(ISO_INSTANT),
          },
        ],
      });
      expect(Object.keys(fresh.body.items[0]).sort()).toEqual(LIST_ITEM_KEYS);

      await c.post(auth, created.id, 'self-purchase/grant', { resources: ['AzureSavingsPlan'] });
      const last = await c.post(auth, created.id, 'cost-management/enable');
      const after = await c.list(auth, { minPosition: last.position }).expect(200);
      expect(after.body.items).toHaveLength(1);
      expect(after.body.items[0]).toEqual({
        id: created.id,
        companyName: 'Contoso Ltd',
        domain: 'contoso.onmicrosoft.com',
        selfPurchase: { resources: ['AzureSavingsPlan'] },
        costManagement: { enabled: true },
        revision: 2,
        updatedAt: expect.stringMatching(ISO_INSTANT),
      });
      expect(Object.keys(after.body.items[0]).sort()).toEqual(LIST_ITEM_KEYS);
      expect(after.body).not.toHaveProperty('continuationToken');
    });

    it('sorts by friendly name case-insensitively', async () => {
      const auth = await c.bearer(freshPartner('sort'));
      let position = '';
      const ids: Record<string, string> = {};
      for (const name of ['beta', 'Alpha', 'gamma', 'ALPHA2']) {
        const w = await c.establish(auth, { companyName: name });
        ids[name] = w.id;
        position = w.position;
      }
      const res = await c.list(auth, { minPosition: position }).expect(200);
      expect(res.body.items.map((i: { companyName: string }) => i.companyName)).toEqual(['Alpha', 'ALPHA2', 'beta', 'gamma']);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([ids.Alpha, ids.ALPHA2, ids.beta, ids.gamma]);
    });

    it('breaks ties between equal names stably: every read and every page size gives the same order', async () => {
      const auth = await c.bearer(freshPartner('ties'));
      let position = '';
      const names = ['Same', 'same', 'SAME', 'sAmE', 'Other'];
      for (const name of names) position = (await c.establish(auth, { companyName: name })).position;
      const whole = await c.list(auth, { minPosition: position }).expect(200);
      const order = whole.body.items.map((i: { id: string }) => i.id);
      expect(order).toHaveLength(5);
      expect(whole.body.items[0].companyName).toBe('Other');
      expect(new Set(whole.body.items.slice(1).map((i: { companyName: string }) => i.companyName))).toEqual(new Set(['Same', 'same', 'SAME', 'sAmE']));

      // Again, and one item per page across the ties: the same order, each customer exactly once.
      expect((await c.list(auth).expect(200)).body.items.map((i: { id: string }) => i.id)).toEqual(order);
      const paged: string[] = [];
      let continuation: string | undefined;
      do {
        const res = await c.list(auth, continuation ? { size: 1, continuation } : { size: 1 }).expect(200);
        paged.push(...res.body.items.map((i: { id: string }) => i.id));
        continuation = res.body.continuationToken;
      } while (continuation && paged.length <= 10);
      expect(paged).toEqual(order);
    });

    it('shows the friendly name after a rename, sorted by it', async () => {
      const auth = await c.bearer(freshPartner('rename'));
      const zeta = await c.establish(auth, { companyName: 'Zeta Original' });
      await c.establish(auth, { companyName: 'Midway' });
      const renamed = await c.rename(auth, zeta.id, 'aardvark Friendly');
      const res = await c.list(auth, { minPosition: renamed.position }).expect(200);
      expect(res.body.items.map((i: { companyName: string }) => i.companyName)).toEqual(['aardvark Friendly', 'Midway']);
      expect(res.body.items[0]).toMatchObject({ id: zeta.id, revision: 1 });
    });

    it('searches a case-insensitive prefix of the friendly name or the domain, never an infix', async () => {
      const auth = await c.bearer(freshPartner('search'));
      const contoso = await c.establish(auth, { companyName: 'Contoso Ltd', domain: 'contoso.onmicrosoft.com' });
      const tailspin = await c.establish(auth, { companyName: 'Tailspin Toys', domain: 'CONTOSOTAIL.com' });
      const northwind = await c.establish(auth, { companyName: 'Northwind Traders', domain: 'nwtraders.example.com' });
      const litware = await c.establish(auth, { companyName: 'Litware Original', domain: 'lw.example.com' });
      const renamed = await c.rename(auth, litware.id, 'Adatum Friendly');
      await c.list(auth, { minPosition: renamed.position }).expect(200);

      const search = async (term: string) =>
        ((await c.list(auth, { search: term }).expect(200)).body.items as { id: string }[]).map((i) => i.id);
      expect(await search('con')).toEqual([contoso.id, tailspin.id]); // name prefix, and domain prefix
      expect(await search('CONTOSO')).toEqual([contoso.id, tailspin.id]);
      expect(await search('cOnToSoTaIl')).toEqual([tailspin.id]); // domain only
      expect(await search('NORTH')).toEqual([northwind.id]); // name only
      expect(await search('nwtr')).toEqual([northwind.id]); // domain only
      expect(await search('tos')).toEqual([]); // infix of "Contoso": not a prefix
      expect(await search('traders')).toEqual([]); // second word of the name
      expect(await search('example')).toEqual([]); // infix of the domain
      // The friendly name is searched, not the original tenant name.
      expect(await search('adatum')).toEqual([litware.id]);
      expect(await search('litware')).toEqual([]);
      expect(await search('lw.')).toEqual([litware.id]);
    });

    it('pages 50 by default; size must be 1–200', async () => {
      const auth = await c.bearer(freshPartner('default'));
      let position = '';
      for (let n = 0; n < 52; n++) position = (await c.establish(auth, { companyName: `Customer ${String(n).padStart(2, '0')}` })).position;
      const first = await c.list(auth, { minPosition: position }).expect(200);
      expect(first.body.items).toHaveLength(50);
      expect(first.body.continuationToken).toEqual(expect.any(String));
      const rest = await c.list(auth, { continuation: first.body.continuationToken }).expect(200);
      expect(rest.body.items.map((i: { companyName: string }) => i.companyName)).toEqual(['Customer 50', 'Customer 51']);
      expect(rest.body).not.toHaveProperty('continuationToken');

      expect((await c.list(auth, { size: 200 }).expect(200)).body.items).toHaveLength(52);
      for (const size of [0, 201, -1]) {
        const bad = await c.list(auth, { size }).expect(400);
        expect(bad.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('pages with size and continuation: every customer exactly once, in order; no token on the last page', async () => {
      const auth = await c.bearer(freshPartner('paging'));
      const created: { id: string; name: string }[] = [];
      let position = '';
      for (let n = 0; n < 25; n++) {
        // Names in scrambled order and mixed case, so the order is the list's, not the insertion order.
        const base = `${String.fromCharCode(97 + ((n * 7) % 25))}${String(n).padStart(2, '0')} Company`;
        const name = n % 2 === 0 ? base.toUpperCase() : base;
        const w = await c.establish(auth, { companyName: name });
        created.push({ id: w.id, name });
        position = w.position;
      }
      const expected = [...created].sort(byFriendlyName).map((x) => x.id);

      const seen: string[] = [];
      const pageSizes: number[] = [];
      let continuation: string | undefined;
      for (let page = 0; page < 10; page++) {
        const query: Record<string, string | number> = { size: 7 };
        if (continuation) query.continuation = continuation;
        else query.minPosition = position;
        const res = await c.list(auth, query).expect(200);
        pageSizes.push(res.body.items.length);
        seen.push(...res.body.items.map((i: { id: string }) => i.id));
        continuation = res.body.continuationToken;
        if (!continuation) {
          expect(res.body).not.toHaveProperty('continuationToken');
          break;
        }
      }
      expect(pageSizes).toEqual([7, 7, 7, 4]);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(25);
    });

    it('pages a search too, and refuses a continuation that is not a token', async () => {
      const auth = await c.bearer(freshPartner('search-paging'));
      let position = '';
      for (let n = 0; n < 5; n++) position = (await c.establish(auth, { companyName: `Match ${n}`, domain: `m${n}.example.com` })).position;
      for (let n = 0; n < 3; n++) position = (await c.establish(auth, { companyName: `Zother ${n}`, domain: `match${n}.example.com` })).position;
      for (let n = 0; n < 3; n++) position = (await c.establish(auth, { companyName: `Nope ${n}`, domain: `nope${n}.example.com` })).position;
      await c.list(auth, { minPosition: position }).expect(200);

      const names: string[] = [];
      let continuation: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await c.list(auth, continuation ? { search: 'match', size: 3, continuation } : { search: 'match', size: 3 }).expect(200);
        names.push(...res.body.items.map((i: { companyName: string }) => i.companyName));
        continuation = res.body.continuationToken;
        if (!continuation) break;
      }
      expect(names).toEqual(['Match 0', 'Match 1', 'Match 2', 'Match 3', 'Match 4', 'Zother 0', 'Zother 1', 'Zother 2']);

      const bad = await c.list(auth, { continuation: 'not-a-token' }).expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });

    it("lists only the caller's partner's customers", async () => {
      const mine = await c.bearer(freshPartner('mine'));
      const theirs = await c.bearer(freshPartner('theirs'));
      const a = await c.establish(mine, { companyName: 'Mine' });
      const b = await c.establish(theirs, { companyName: 'Theirs' });
      const res = await c.list(mine, { minPosition: b.position }).expect(200);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    });
  });

  describe('account-detail view and profiles', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp();
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it('shows the account page with the original name in the breadcrumb and company info, and an ETag', async () => {
      const auth = await c.bearer(freshPartner('detail'), { sub: 'creator-1' });
      const created = await c.establish(auth, { companyName: 'Contoso Ltd', domain: 'contoso.onmicrosoft.com' });
      const res = await c.detail(auth, created.id, created.position).expect(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body).toEqual({
        id: created.id,
        breadcrumbName: 'Contoso Ltd',
        companyProfile: { tenantId: created.id, domain: 'contoso.onmicrosoft.com', companyName: 'Contoso Ltd' },
        billingProfile: { companyName: 'Contoso Ltd' },
        selfPurchase: { resources: [] },
        costManagement: { enabled: false },
        revision: 0,
        updatedAt: expect.stringMatching(ISO_INSTANT),
        updatedBy: 'creator-1',
      });
      expect(Object.keys(res.body).sort()).toEqual(DETAIL_KEYS);
    });

    it('after a rename keeps the original name in the breadcrumb and company profile; billing shows the new one', async () => {
      const partnerId = freshPartner('detail-rename');
      const auth = await c.bearer(partnerId, { sub: 'creator-1' });
      const renamerAuth = await c.bearer(partnerId, { sub: 'renamer-2', roles: ['sales-agent'] });
      const created = await c.establish(auth, { companyName: 'Original Tenant Inc', domain: 'original.example.com' });
      const renamed = await c.rename(renamerAuth, created.id, 'Friendly Name');
      const res = await c.detail(auth, created.id, renamed.position).expect(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toEqual({
        id: created.id,
        breadcrumbName: 'Original Tenant Inc',
        companyProfile: { tenantId: created.id, domain: 'original.example.com', companyName: 'Original Tenant Inc' },
        billingProfile: { companyName: 'Friendly Name' },
        selfPurchase: { resources: [] },
        costManagement: { enabled: false },
        revision: 1,
        updatedAt: expect.stringMatching(ISO_INSTANT),
        updatedBy: 'renamer-2',
      });

      const company = await c.detail(auth, created.id, undefined, '/profiles/company').expect(200);
      expect(company.body).toEqual({ tenantId: created.id, domain: 'original.example.com', companyName: 'Original Tenant Inc' });
      const billing = await c.detail(auth, created.id, undefined, '/profiles/billing').expect(200);
      expect(billing.body).toEqual({ companyName: 'Friendly Name' });
      expect(billing.headers.etag).toBe('"1"');
    });

    it('after a billing PUT shows the normalized billing profile; the profiles routes return the sections alone', async () => {
      const auth = await c.bearer(freshPartner('detail-billing'), { sub: 'billing-writer' });
      const created = await c.establish(auth, { companyName: 'Original Tenant Inc', domain: 'original.example.com' });
      const body = billingProfile({
        companyName: '  Friendly Billing Name  ',
        firstName: '  Grace ',
        lastName: 'Hopper  ',
        email: ' grace@example.com ',
        phoneNumber: ' +44 20 7946 0000 ',
        culture: 'en-GB',
        language: 'EN',
        defaultAddress: { addressLine1: '  10 Downing Street ', city: ' London ', postalCode: ' SW1A 2AA ', country: 'gb' },
      });
      const put = await t.http
        .put(`/v1/customers/${created.id}/profiles/billing`)
        .set('Authorization', auth)
        .set('If-Match', '"0"')
        .send(body)
        .expect(200);
      expect(put.body.revision).toBe(2); // BillingProfileUpdated and CustomerRenamed

      const expectedBilling = {
        companyName: 'Friendly Billing Name',
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.com',
        phoneNumber: '+44 20 7946 0000',
        culture: 'en-GB',
        language: 'en',
        defaultAddress: { addressLine1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
      };
      const detail = await c.detail(auth, created.id, put.body.position).expect(200);
      expect(detail.headers.etag).toBe('"2"');
      expect(detail.body).toEqual({
        id: created.id,
        breadcrumbName: 'Original Tenant Inc',
        companyProfile: { tenantId: created.id, domain: 'original.example.com', companyName: 'Original Tenant Inc' },
        billingProfile: expectedBilling,
        selfPurchase: { resources: [] },
        costManagement: { enabled: false },
        revision: 2,
        updatedAt: expect.stringMatching(ISO_INSTANT),
        updatedBy: 'billing-writer',
      });

      const billing = await c.detail(auth, created.id, put.body.position, '/profiles/billing').expect(200);
      expect(billing.body).toEqual(expectedBilling);
      expect(billing.headers.etag).toBe('"2"');
      const company = await c.detail(auth, created.id, put.body.position, '/profiles/company').expect(200);
      expect(company.body).toEqual({ tenantId: created.id, domain: 'original.example.com', companyName: 'Original Tenant Inc' });
    });

    it('shows a billing profile given when the relationship was established', async () => {
      const auth = await c.bearer(freshPartner('detail-est-billing'));
      const { companyName: _ignored, ...details } = billingProfile();
      const created = await c.establish(auth, { companyName: 'With Billing', billingProfile: details });
      const billing = await c.detail(auth, created.id, created.position, '/profiles/billing').expect(200);
      expect(billing.body).toEqual({ ...details, companyName: 'With Billing' });
    });

    it('lets every reading role read; a missing, malformed or other partner\'s customer is 404', async () => {
      const partnerId = freshPartner('detail-404');
      const auth = await c.bearer(partnerId);
      const created = await c.establish(auth);
      await c.detail(auth, created.id, created.position).expect(200);
      for (const role of ['sales-agent', 'helpdesk-agent', 'billing-admin', 'auditor']) {
        const reader = await c.bearer(partnerId, { roles: [role] });
        await c.detail(reader, created.id).expect(200);
      }
      // Ids differ only in case: the same tenant.
      await c.detail(auth, created.id.toUpperCase()).expect(200);

      const other = await c.bearer(freshPartner('detail-other'));
      for (const suffix of ['', '/profiles/company', '/profiles/billing']) {
        for (const [who, id] of [
          [auth, randomUUID()],
          [auth, 'not-a-tenant-id'],
          [other, created.id],
        ]) {
          const res = await c.detail(who, id, undefined, suffix).expect(404);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.body).toMatchObject({ status: 404, code: 'CUSTOMER_NOT_FOUND' });
        }
      }
    });
  });

  describe('read-your-writes', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp();
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it('a read with minPosition = the write position sees that write, on every read route', async () => {
      const auth = await c.bearer(freshPartner('ryw'));
      const created = await c.establish(auth, { companyName: 'Name 0' });
      expect((await c.detail(auth, created.id, created.position).expect(200)).body.revision).toBe(0);
      for (let n = 1; n <= 5; n++) {
        const w = await c.rename(auth, created.id, `Name ${n}`);
        expect(w.revision).toBe(n);
        const list = await c.list(auth, { minPosition: w.position }).expect(200);
        expect(list.body.items).toEqual([expect.objectContaining({ id: created.id, companyName: `Name ${n}`, revision: n })]);
        const detail = await c.detail(auth, created.id, w.position).expect(200);
        expect(detail.body).toMatchObject({ revision: n, billingProfile: { companyName: `Name ${n}` } });
        expect(detail.headers.etag).toBe(`"${n}"`);
        const billing = await c.detail(auth, created.id, w.position, '/profiles/billing').expect(200);
        expect(billing.body).toEqual({ companyName: `Name ${n}` });
      }
    });

    it('refuses a minPosition that is not a position', async () => {
      const auth = await c.bearer(freshPartner('ryw-bad'));
      const res = await c.list(auth, { minPosition: 'yesterday' }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      await c.detail(auth, randomUUID(), 'abc').expect(400);
    });
  });

  describe('read-your-writes while the views do not follow (no projector, READ_WAIT_MS=200)', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp({ env: { READ_WAIT_MS: '200', RUN_PROJECTOR: 'false' } });
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it('answers 503 VIEW_NOT_CAUGHT_UP with Retry-After for a written position the views never reach, after about the bounded wait', async () => {
      const auth = await c.bearer(freshPartner('ryw-503'));
      const created = await c.establish(auth);
      const reads = [
        () => c.list(auth, { minPosition: created.position }),
        () => c.detail(auth, created.id, created.position),
        () => c.detail(auth, created.id, created.position, '/profiles/company'),
        () => c.detail(auth, created.id, created.position, '/profiles/billing'),
      ];
      for (const read of reads) {
        const started = Date.now();
        const res = await read().expect(503);
        const elapsed = Date.now() - started;
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 503, code: 'VIEW_NOT_CAUGHT_UP' });
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(elapsed).toBeGreaterThanOrEqual(180);
        expect(elapsed).toBeLessThan(1500);
      }
    });

    it('answers 400 at once for a position past the end of the log, which no write returned: waiting could never help', async () => {
      const auth = await c.bearer(freshPartner('ryw-past'));
      await c.establish(auth);
      const started = Date.now();
      const res = await c.list(auth, { minPosition: '999999999-999999999' }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'minPosition', message: 'is past the end of the log: no write returned it' }] });
      expect(Date.now() - started).toBeLessThan(180);
    });
  });

  describe('ETag from a read as If-Match on the billing PUT', () => {
    let t: TestApp;
    let c: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      t = await startTestApp();
      c = httpClient(t);
    });
    afterAll(() => t.close());

    it('succeeds with the ETag just read, and gets 412 once another write has moved the customer on', async () => {
      const auth = await c.bearer(freshPartner('etag'));
      const created = await c.establish(auth, { companyName: 'Etag Co' });
      const read = await c.detail(auth, created.id, created.position).expect(200);
      const put = (etag: string, body = billingProfile({ companyName: 'Etag Co' })) =>
        t.http.put(`/v1/customers/${created.id}/profiles/billing`).set('Authorization', auth).set('If-Match', etag).send(body);

      const ok = await put(read.headers.etag).expect(200);
      expect(ok.body.revision).toBe(1);
      expect(ok.headers.etag).toBe('"1"');

      // The billing section's own ETag works the same way.
      const billing = await c.detail(auth, created.id, ok.body.position, '/profiles/billing').expect(200);
      expect(billing.headers.etag).toBe('"1"');
      const again = await put(billing.headers.etag, billingProfile({ companyName: 'Etag Co', firstName: 'Grace' })).expect(200);
      expect(again.body.revision).toBe(2);

      // Another write moves the customer on: the ETag read before it is stale.
      const stale = (await c.detail(auth, created.id, again.body.position).expect(200)).headers.etag;
      expect(stale).toBe('"2"');
      const moved = await c.rename(auth, created.id, 'Moved On');
      const conflict = await put(stale, billingProfile({ companyName: 'Etag Co', firstName: 'Alan' })).expect(412);
      expect(conflict.body).toMatchObject({ status: 412, code: 'REVISION_CONFLICT' });

      // Nothing was written by the refused PUT.
      const after = await c.detail(auth, created.id, moved.position).expect(200);
      expect(after.body.revision).toBe(3);
      expect(after.body.billingProfile.firstName).toBe('Grace');
    });
  });
});
