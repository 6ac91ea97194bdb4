import { assertNever } from '@app/domain';
import { CustomerListItem, newerOnly, ProjectedEvent, Projection } from '../views';
import { entitlementsAfter, NO_ENTITLEMENTS } from './entitlements';

/** The customer list: the friendly name, as Partner Center's Customers workspace shows it. */
export const customerListProjection: Projection<CustomerListItem> = {
  name: 'customer-list',
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
      return { ...view, ...stamp };
    default:
      return assertNever(event);
  }
}
