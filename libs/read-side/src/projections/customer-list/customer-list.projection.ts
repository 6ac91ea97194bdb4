import { assertNever } from '@app/domain';
import { CustomerListItem, newerOnly, ProjectedEvent, Projection } from '../../views';
import { entitlementsAfter, NO_ENTITLEMENTS } from '../entitlements';
import { searchKey } from './search-key';

/**
 * The customer list: the friendly name, as Partner Center's Customers workspace shows it. Sorted
 * and searched by normalized keys of the name and the domain, kept beside each document.
 */
export const customerListProjection: Projection<CustomerListItem> = {
  name: 'customer-list',
  storedAs: 'customer_list',
  keys: [
    { field: 'nameKey', of: (item) => searchKey(item.companyName) },
    { field: 'domainKey', of: (item) => searchKey(item.domain) },
  ],
  indexes: [
    // The list in name order (keyset paging on name key, id) and the name-prefix search; the domain
    // key beside them lets a dense search filter in name order without reading the documents.
    { name: 'name_order', fields: ['nameKey', 'id', 'domainKey'] },
    // The domain-prefix search, yielding each match's place in the list from the index alone.
    { name: 'domain_prefix', fields: ['domainKey', 'nameKey', 'id'] },
  ],
  evolve: newerOnly(evolve),
};

function evolve(view: CustomerListItem | null, projected: ProjectedEvent): CustomerListItem | null {
  const { event } = projected;
  const stamp = { revision: projected.revision, position: projected.position, updatedAt: projected.metadata.occurredAt };
  if (event.type === 'CustomerRelationshipEstablished') {
    return {
      partnerId: projected.partnerId,
      id: projected.tenantId,
      companyName: event.data.companyName,
      domain: event.data.domain,
      ...NO_ENTITLEMENTS,
      ...stamp,
    };
  }
  if (!view) return null;
  switch (event.type) {
    case 'CustomerRenamed':
      return { ...view, ...stamp, companyName: event.data.companyName };
    case 'SelfPurchaseGranted':
    case 'SelfPurchaseRevoked':
    case 'CostManagementEnabled':
    case 'CostManagementDisabled':
      return { ...view, ...stamp, ...entitlementsAfter(view, event) };
    case 'BillingProfileUpdated':
    case 'PersonalDataErased':
      return { ...view, ...stamp };
    default:
      return assertNever(event);
  }
}
