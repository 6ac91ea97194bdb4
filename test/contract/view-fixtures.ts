import { billingProfileInput } from '@app/domain/testing';
import { randomUUID } from 'node:crypto';
import { Position, positionKey } from '@app/event-store';
import { accountDetailProjection, AccountDetail, customerListProjection, CustomerListItem, DocumentKey, ListCursor, searchKey, ViewPorts } from '@app/read-side';

/** Documents, keys and list walks the view-store contract suites share. */

export const LIST = customerListProjection;
export const DETAIL = accountDetailProjection;

export const pos = (n: bigint): Position => ({ commit: n, prepare: n });
export const partner = () => `partner-${randomUUID()}`;
export const key = (doc: { partnerId: string; id: string }): DocumentKey => ({ partnerId: doc.partnerId, id: doc.id });
export const sortById = <T extends { id: string }>(docs: T[]): T[] => [...docs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
export const byKey = (a: string, b: string) => (searchKey(a) < searchKey(b) ? -1 : searchKey(a) > searchKey(b) ? 1 : 0);

export function sortedForList(items: readonly CustomerListItem[]): CustomerListItem[] {
  return [...items].sort((a, b) => byKey(a.companyName, b.companyName) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function listItem(
  partnerId: string,
  companyName: string,
  domain: string,
  position: bigint,
  overrides: Partial<CustomerListItem> = {},
): CustomerListItem {
  return {
    partnerId,
    id: randomUUID(),
    companyName,
    domain,
    selfPurchase: { resources: [] },
    costManagement: { enabled: false },
    revision: Number(position),
    position: positionKey(pos(position)),
    updatedAt: '2025-03-01T09:30:00.000Z',
    ...overrides,
  };
}

export function fullBilling(companyName: string): AccountDetail['billingProfile'] {
  return billingProfileInput(companyName) as AccountDetail['billingProfile'];
}

export function accountDetail(partnerId: string, companyName: string, position: bigint, overrides: Partial<AccountDetail> = {}): AccountDetail {
  const id = randomUUID();
  return {
    partnerId,
    id,
    breadcrumbName: companyName,
    companyProfile: { tenantId: id, domain: 'contoso.onmicrosoft.com', companyName },
    billingProfile: { companyName },
    selfPurchase: { resources: ['AzureReservedInstances'] },
    costManagement: { enabled: true },
    revision: Number(position),
    position: positionKey(pos(position)),
    updatedAt: '2025-03-01T09:30:00.000Z',
    updatedBy: 'agent-ada@partner.example',
    ...overrides,
  };
}

export async function names(store: ViewPorts, query: { partnerId: string; search?: string }): Promise<string[]> {
  return (await allPages(store, query, 100)).flat().map((i) => i.companyName);
}

/** Follows `next` to the end (bounded, so a cursor that never ends fails instead of hanging). */
export async function allPages(store: ViewPorts, query: { partnerId: string; search?: string }, size: number): Promise<CustomerListItem[][]> {
  const pages: CustomerListItem[][] = [];
  let after: ListCursor | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await store.customerList.page({ ...query, size, after });
    pages.push(page.items);
    if (!page.next) return pages;
    after = page.next;
  }
  throw new Error('listCustomers kept returning a next cursor.');
}
