import { randomUUID } from 'node:crypto';
import { customerStream } from '@app/domain';
import { ADDRESS as BASE_ADDRESS, billingDetails, billingInput } from '@app/domain/testing';
import { EVENT_READER, EVENT_WRITER, EventReader, EventWriter, formatPosition } from '@app/event-store';
import { billingProfile, newCustomer } from '../support/customers';
import { HISTORY_ITEM_KEYS, HistoryItem, httpClient, Written } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Events stored before a schema change (old shapes, appended here straight into the service's event
 * store exactly as an older release wrote them) must read in today's shape on every read path:
 * command handling, projections, history, as-of, the audit feed and the export.
 */

const freshPartner = (label: string) => `u-${label}-${randomUUID().slice(0, 8)}`;

const ADDRESS = { ...BASE_ADDRESS, addressLine2: 'Building 92' };

/** Billing details as schema version 1 stored them: flat, as the HTTP body is (no company name). */
const V1_DETAILS = billingInput({ defaultAddress: ADDRESS });

/** The same details in today's (v2) event shape. */
const V2_DETAILS = billingDetails({ defaultAddress: ADDRESS });

/** What the views show for them, under a company name. */
const billingView = (companyName: string) => ({ companyName, ...V1_DETAILS });

/** Reads a streamed body as text whatever its content type. */
function text(req: ReturnType<TestApp['http']['get']>) {
  return req.buffer(true).parse((res, done) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => done(null, body));
  });
}

function ndjson(body: string): unknown[] {
  expect(body.endsWith('\n')).toBe(true);
  return body
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line));
}

describe('upcasting: events stored in an old shape read in the current one everywhere', () => {
  let t: TestApp;
  let c: ReturnType<typeof httpClient>;
  let store: EventReader;
  let writer: EventWriter;
  let partnerId: string;
  let auth: string;
  let auditor: string;

  const putBilling = (id: string, ifMatch: number, body: object) =>
    t.http.put(`/v1/customers/${id}/profiles/billing`).set('Authorization', auth).set('If-Match', `"${ifMatch}"`).send(body);
  const history = async (id: string) => (await c.get(auditor, `/v1/customers/${id}/history`).expect(200)).body.items as HistoryItem[];
  const readThroughPort = (id: string) => store.readStream(customerStream(partnerId, id));

  /** Metadata as the command path writes it, stamped by an older release (with or without schemaVersion). */
  const legacyMetadata = (schemaVersion: number | undefined, occurredAt = new Date().toISOString()) => ({
    commandId: randomUUID(),
    correlationId: `legacy-${randomUUID()}`,
    causationId: randomUUID(),
    actor: { sub: 'legacy-agent', partnerId, roles: ['admin-agent'] },
    occurredAt,
    ...(schemaVersion === undefined ? {} : { schemaVersion }),
  });

  beforeAll(async () => {
    t = await startTestApp();
    c = httpClient(t);
    store = t.app.get<EventReader>(EVENT_READER);
    writer = t.app.get<EventWriter>(EVENT_WRITER);
    partnerId = freshPartner('partner');
    auth = `Bearer ${await t.token({ partnerId, sub: 'writer-1', roles: ['admin-agent'] })}`;
    auditor = `Bearer ${await t.token({ partnerId, sub: 'auditor-1', roles: ['auditor'] })}`;
  });
  afterAll(() => t.close());

  describe('a BillingProfileUpdated stored as v1 after an establish over HTTP', () => {
    let id: string;
    let established: Written;
    let legacy: { position: string; metadata: ReturnType<typeof legacyMetadata>; eventId: string };

    beforeAll(async () => {
      established = await c.establish(auth, { companyName: 'Legacy Billing Co', domain: 'legacy-billing.example.com' });
      id = established.id;
      expect(established.revision).toBe(0);

      const metadata = legacyMetadata(1);
      const eventId = randomUUID();
      const appended = await writer.append(customerStream(partnerId, id), [{ id: eventId, type: 'BillingProfileUpdated', data: V1_DETAILS, metadata }], 0n);
      expect(appended.nextRevision).toBe(1n);
      legacy = { position: formatPosition(appended.position), metadata, eventId };
    });

    it('reads back through the event store port in the current shape, its metadata moved on to the current schemaVersion (3)', async () => {
      // It was appended flat with schemaVersion 1: the port hands it out nested, at version 2.
      const events = await readThroughPort(id);
      expect(events.map((e) => e.type)).toEqual(['CustomerRelationshipEstablished', 'BillingProfileUpdated']);
      expect(events[1].id).toBe(legacy.eventId);
      expect(events[1].data).toEqual(V2_DETAILS);
      expect(events[1].metadata).toEqual({ ...legacy.metadata, schemaVersion: 3 });
    });

    it('projections: the detail view and profiles/billing show the billing fields', async () => {
      const detail = await c.get(auth, `/v1/customers/${id}`, { minPosition: legacy.position }).expect(200);
      expect(detail.body).toMatchObject({
        id,
        breadcrumbName: 'Legacy Billing Co',
        billingProfile: billingView('Legacy Billing Co'),
        revision: 1,
        updatedAt: legacy.metadata.occurredAt,
        updatedBy: 'legacy-agent',
      });
      expect(detail.body.billingProfile).toEqual(billingView('Legacy Billing Co'));

      const billing = await c.get(auth, `/v1/customers/${id}/profiles/billing`, { minPosition: legacy.position }).expect(200);
      expect(billing.body).toEqual(billingView('Legacy Billing Co'));
      expect(billing.headers.etag).toBe('"1"');
    });

    it('history: the event reads in the current shape (contact nested), as a plain history item', async () => {
      const items = await history(id);
      expect(items.map((i) => i.type)).toEqual(['CustomerRelationshipEstablished', 'BillingProfileUpdated']);
      for (const item of items) expect(Object.keys(item).sort()).toEqual(HISTORY_ITEM_KEYS);
      expect(items[1]).toEqual({
        revision: 1,
        position: legacy.position,
        type: 'BillingProfileUpdated',
        occurredAt: legacy.metadata.occurredAt,
        data: V2_DETAILS,
        actor: legacy.metadata.actor,
        commandId: legacy.metadata.commandId,
        correlationId: legacy.metadata.correlationId,
      });
    });

    it('as-of by revision folds the upcast event', async () => {
      const at1 = await c.get(auditor, `/v1/customers/${id}/as-of`, { revision: 1 }).expect(200);
      expect(at1.body).toMatchObject({ id, revision: 1, billingProfile: billingView('Legacy Billing Co'), updatedBy: 'legacy-agent' });
      expect(at1.body.billingProfile).toEqual(billingView('Legacy Billing Co'));
      const at0 = await c.get(auditor, `/v1/customers/${id}/as-of`, { revision: 0 }).expect(200);
      expect(at0.body.billingProfile).toEqual({ companyName: 'Legacy Billing Co' });
    });

    it('the audit feed and the NDJSON export carry the current shape', async () => {
      const feed = await c.get(auditor, '/v1/audit/events', { type: 'BillingProfileUpdated', limit: 1000 }).expect(200);
      const fromFeed = (feed.body.items as (HistoryItem & { customerId: string })[]).filter((i) => i.position === legacy.position);
      expect(fromFeed).toHaveLength(1);
      expect(fromFeed[0]).toMatchObject({ customerId: id, revision: 1, data: V2_DETAILS });

      const exported = await text(c.get(auditor, '/v1/audit/export', { customer: id, format: 'ndjson' })).expect(200);
      expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const records = ndjson(exported.body as string) as (HistoryItem & { customerId: string })[];
      expect(records.find((r) => r.revision === 1)).toMatchObject({ customerId: id, position: legacy.position, type: 'BillingProfileUpdated', data: V2_DETAILS });
      expect(records).toEqual((await history(id)).map((h) => ({ ...h, customerId: id })));
    });

    it('command handling: the same details and company name change nothing; a changed email appends exactly one event', async () => {
      // The decider folded the upcast event: the same profile is recognised as unchanged.
      const same = await putBilling(id, 1, billingProfile({ ...V1_DETAILS, companyName: 'Legacy Billing Co' })).expect(200);
      expect(same.body).toEqual({ id, revision: 1, position: legacy.position });
      expect(same.headers.etag).toBe('"1"');
      expect(await readThroughPort(id)).toHaveLength(2);

      const changed = await putBilling(id, 1, billingProfile({ ...V1_DETAILS, email: 'ada.lovelace@contoso.com', companyName: 'Legacy Billing Co' })).expect(200);
      expect(changed.body).toMatchObject({ id, revision: 2 });
      const items = await history(id);
      expect(items.map((i) => i.type)).toEqual(['CustomerRelationshipEstablished', 'BillingProfileUpdated', 'BillingProfileUpdated']);
      expect(items[2].data).toEqual({ ...V2_DETAILS, contact: { ...V2_DETAILS.contact, email: 'ada.lovelace@contoso.com' } });
      expect(items[2].position).toBe(changed.body.position);
      // Written today: stored at the current schema version.
      const stored = await readThroughPort(id);
      expect(stored).toHaveLength(3);
      expect((stored[2].metadata as { schemaVersion: number }).schemaVersion).toBe(3);
      // Version 3: the contact's personal fields are stored sealed, the plain address beside them.
      expect((stored[2].data as { contact: object }).contact).toEqual({ sealed: expect.stringMatching(/^v1\./), defaultAddress: expect.not.objectContaining({ addressLine1: expect.anything() }) });

      const billing = await c.get(auth, `/v1/customers/${id}/profiles/billing`, { minPosition: changed.body.position }).expect(200);
      expect(billing.body).toEqual({ ...billingView('Legacy Billing Co'), email: 'ada.lovelace@contoso.com' });
    });
  });

  describe('a CustomerRelationshipEstablished stored as v1 with a flat billing profile (written before schema versions)', () => {
    const id = randomUUID();
    let legacy: { position: string; metadata: ReturnType<typeof legacyMetadata> };
    const ESTABLISHED = () => ({ tenantId: id, partnerId, companyName: 'Old Establish Co', domain: 'old-establish.example.com' });

    beforeAll(async () => {
      const metadata = legacyMetadata(undefined);
      const appended = await writer.append(
        customerStream(partnerId, id),
        [{ id: randomUUID(), type: 'CustomerRelationshipEstablished', data: { ...ESTABLISHED(), billingProfile: V1_DETAILS }, metadata }],
        'no_stream',
      );
      expect(appended.nextRevision).toBe(0n);
      legacy = { position: formatPosition(appended.position), metadata };
    });

    it('projections: the detail view, profiles/billing and the list show the customer with its billing fields', async () => {
      const detail = await c.get(auth, `/v1/customers/${id}`, { minPosition: legacy.position }).expect(200);
      expect(detail.body).toEqual({
        id,
        breadcrumbName: 'Old Establish Co',
        companyProfile: { tenantId: id, domain: 'old-establish.example.com', companyName: 'Old Establish Co' },
        billingProfile: billingView('Old Establish Co'),
        selfPurchase: { resources: [] },
        costManagement: { enabled: false },
        revision: 0,
        updatedAt: legacy.metadata.occurredAt,
        updatedBy: 'legacy-agent',
      });
      const billing = await c.get(auth, `/v1/customers/${id}/profiles/billing`, { minPosition: legacy.position }).expect(200);
      expect(billing.body).toEqual(billingView('Old Establish Co'));
      expect(billing.headers.etag).toBe('"0"');
      const list = await c.get(auth, '/v1/customers', { minPosition: legacy.position, search: 'Old Establish' }).expect(200);
      expect(list.body.items).toEqual([expect.objectContaining({ id, companyName: 'Old Establish Co', revision: 0 })]);
    });

    it('history and as-of read the establishment in the current shape', async () => {
      const items = await history(id);
      expect(items).toEqual([
        {
          revision: 0,
          position: legacy.position,
          type: 'CustomerRelationshipEstablished',
          occurredAt: legacy.metadata.occurredAt,
          data: { ...ESTABLISHED(), billingProfile: V2_DETAILS },
          actor: legacy.metadata.actor,
          commandId: legacy.metadata.commandId,
          correlationId: legacy.metadata.correlationId,
        },
      ]);
      const at0 = await c.get(auditor, `/v1/customers/${id}/as-of`, { revision: 0 }).expect(200);
      expect(at0.body).toMatchObject({ id, revision: 0, breadcrumbName: 'Old Establish Co', billingProfile: billingView('Old Establish Co') });
      expect(at0.body.billingProfile).toEqual(billingView('Old Establish Co'));
    });

    it('the audit feed and the NDJSON export carry the current shape', async () => {
      const feed = await c.get(auditor, '/v1/audit/events', { type: 'CustomerRelationshipEstablished', limit: 1000 }).expect(200);
      const mine = (feed.body.items as (HistoryItem & { customerId: string })[]).filter((i) => i.customerId === id);
      expect(mine).toEqual((await history(id)).map((h) => ({ ...h, customerId: id })));

      const exported = await text(c.get(auditor, '/v1/audit/export', { customer: id })).expect(200);
      const records = ndjson(exported.body as string) as (HistoryItem & { customerId: string })[];
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ customerId: id, revision: 0, data: { ...ESTABLISHED(), billingProfile: V2_DETAILS } });
    });

    it('command handling: establishing again is a conflict; the same billing profile changes nothing; a changed email appends exactly one event', async () => {
      // The decider sees the relationship the old event began.
      const again = await t.http.post('/v1/customers').set('Authorization', auth).send(newCustomer({ tenantId: id })).expect(409);
      expect(again.body.code).toBe('CUSTOMER_ALREADY_EXISTS');

      const same = await putBilling(id, 0, billingProfile({ ...V1_DETAILS, companyName: 'Old Establish Co' })).expect(200);
      expect(same.body).toEqual({ id, revision: 0, position: legacy.position });
      expect(await readThroughPort(id)).toHaveLength(1);

      const changed = await putBilling(id, 0, billingProfile({ ...V1_DETAILS, email: 'billing@old-establish.example.com', companyName: 'Old Establish Co' })).expect(200);
      expect(changed.body).toMatchObject({ id, revision: 1 });
      const items = await history(id);
      expect(items.map((i) => i.type)).toEqual(['CustomerRelationshipEstablished', 'BillingProfileUpdated']);
      expect(items[1].data).toEqual({ ...V2_DETAILS, contact: { ...V2_DETAILS.contact, email: 'billing@old-establish.example.com' } });

      // A rename compares against the friendly name the old event set.
      const renamed = await t.http.post(`/v1/customers/${id}/rename`).set('Authorization', auth).send({ companyName: 'Old Establish Co' }).expect(200);
      expect(renamed.body).toMatchObject({ id, revision: 1 });
      expect(await readThroughPort(id)).toHaveLength(2);

      const detail = await c.get(auth, `/v1/customers/${id}`, { minPosition: changed.body.position }).expect(200);
      expect(detail.body.billingProfile).toEqual({ ...billingView('Old Establish Co'), email: 'billing@old-establish.example.com' });
      expect(detail.body.revision).toBe(1);
    });
  });
});
