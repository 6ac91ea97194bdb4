import { billingProfileInput } from '@app/domain/testing';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  disableCostManagement,
  enableCostManagement,
  erasePersonalData,
  establishCustomer,
  exportAudit,
  getAuditEvents,
  getBillingProfile,
  getCompanyProfile,
  getCustomer,
  getCustomerAsOf,
  getCustomerHistory,
  grantSelfPurchase,
  listCustomers,
  listProjections,
  renameCustomer,
  revokeSelfPurchase,
  updateBillingProfile,
} from '../../client/src';
import { createClient } from '../../client/src/client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Every operation's happy path through the client generated from the committed OpenAPI document,
 * against the running service: the document is proven by what integrators will call.
 */
describe('the typed client (client/, generated from openapi.json)', () => {
  let t: TestApp;
  let call: { client: ReturnType<typeof createClient>; throwOnError: true };

  beforeAll(async () => {
    t = await startTestApp();
    const server = await t.app.listen(0, '127.0.0.1');
    const { port } = server.address() as AddressInfo;
    const token = await t.token({ partnerId: `client-${randomUUID().slice(0, 8)}`, roles: ['admin-agent'] });
    call = { client: createClient({ baseUrl: `http://127.0.0.1:${port}`, auth: token }), throwOnError: true };
  });
  afterAll(() => t.close());

  it('drives every operation of the contract', async () => {
    const id = randomUUID();
    const created = await establishCustomer({ ...call, body: { tenantId: id, companyName: 'Contoso Ltd', domain: 'contoso.onmicrosoft.com' } });
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('location')).toBe(`/v1/customers/${id}`);
    expect(created.data).toEqual({ id, revision: 0, position: expect.any(String) });

    const path = { id };
    const renamed = await renameCustomer({ ...call, path, body: { companyName: 'Contoso (EMEA)' } });
    expect(renamed.data.revision).toBe(1);
    const etag = renamed.response.headers.get('etag')!;
    const billed = await updateBillingProfile({ ...call, path, headers: { 'If-Match': etag }, body: billingProfileInput('Contoso (EMEA)') as never });
    expect(billed.data.revision).toBe(2);
    expect((await grantSelfPurchase({ ...call, path, body: { resources: ['AzureReservedInstances'] } })).data.revision).toBe(3);
    expect((await revokeSelfPurchase({ ...call, path, body: {} })).data.revision).toBe(4);
    expect((await enableCostManagement({ ...call, path, body: {} })).data.revision).toBe(5);
    const last = await disableCostManagement({ ...call, path, body: {}, headers: { 'Idempotency-Key': `disable-${id}`, 'X-Correlation-Id': 'client-suite' } });
    expect(last.data.revision).toBe(6);
    const fresh = { minPosition: last.data.position };

    const list = await listCustomers({ ...call, query: { ...fresh, search: 'contoso (e', size: 10 } });
    expect(list.data.items).toEqual([expect.objectContaining({ id, companyName: 'Contoso (EMEA)', domain: 'contoso.onmicrosoft.com', revision: 6 })]);
    const detail = await getCustomer({ ...call, path, query: fresh });
    expect(detail.data).toMatchObject({ breadcrumbName: 'Contoso Ltd', billingProfile: { companyName: 'Contoso (EMEA)', firstName: 'Ada' }, costManagement: { enabled: false } });
    expect(detail.response.headers.get('etag')).toBe('"6"');
    expect((await getCompanyProfile({ ...call, path, query: fresh })).data).toEqual({ tenantId: id, domain: 'contoso.onmicrosoft.com', companyName: 'Contoso Ltd' });
    expect((await getBillingProfile({ ...call, path, query: fresh })).data).toMatchObject({ companyName: 'Contoso (EMEA)', lastName: 'Lovelace' });

    const history = await getCustomerHistory({ ...call, path, query: { fromRevision: 0, limit: 100 } });
    expect(history.data.items.map((i) => i.type)).toEqual([
      'CustomerRelationshipEstablished',
      'CustomerRenamed',
      'BillingProfileUpdated',
      'SelfPurchaseGranted',
      'SelfPurchaseRevoked',
      'CostManagementEnabled',
      'CostManagementDisabled',
    ]);
    expect(history.data.items[6].correlationId).toBe('client-suite');
    expect((await getCustomerAsOf({ ...call, path, query: { revision: 0 } })).data.billingProfile).toEqual({ companyName: 'Contoso Ltd' });
    expect((await getCustomerAsOf({ ...call, path, query: { at: new Date(Date.now() + 60_000).toISOString() } })).data.revision).toBe(6);
    const feed = await getAuditEvents({ ...call, query: { limit: 100, type: 'CustomerRenamed' } });
    expect(feed.data.items).toEqual([expect.objectContaining({ customerId: id, type: 'CustomerRenamed' })]);
    const exported = await exportAudit({ ...call, query: { customer: id, format: 'ndjson' }, parseAs: 'text' });
    expect(String(exported.data).trim().split('\n')).toHaveLength(7);

    const erased = await erasePersonalData({ ...call, path, body: { reason: 'client suite: GDPR request' } });
    expect(erased.data.revision).toBe(7);
    expect((await getBillingProfile({ ...call, path, query: { minPosition: erased.data.position } })).data).toMatchObject({
      companyName: 'Contoso (EMEA)',
      firstName: null,
      personalDataErased: true,
    });

    const projections = await listProjections(call);
    expect(projections.data.items.map((p) => p.name).sort()).toEqual(['account-detail', 'customer-list']);
  });

  it('hands back problems typed by the document', async () => {
    const result = await getCustomer({ client: call.client, path: { id: randomUUID() } });
    expect(result.response?.status).toBe(404);
    expect(result.error).toMatchObject({ status: 404, code: 'CUSTOMER_NOT_FOUND' });
  });
});
