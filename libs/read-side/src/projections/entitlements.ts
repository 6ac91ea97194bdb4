import {
  assertNever,
  CostManagementDisabled,
  CostManagementEnabled,
  orderedResources,
  SelfPurchaseGranted,
  SelfPurchaseRevoked,
  SelfPurchaseResource,
} from '@app/domain';

export interface Entitlements {
  readonly selfPurchase: { readonly resources: readonly SelfPurchaseResource[] };
  readonly costManagement: { readonly enabled: boolean };
}

export type EntitlementEvent = SelfPurchaseGranted | SelfPurchaseRevoked | CostManagementEnabled | CostManagementDisabled;

/** What the customer may do on its own: shown the same way in both views. */
export function entitlementsAfter(view: Entitlements, event: EntitlementEvent): Entitlements {
  // Only the two fields: a spread of the whole view here would carry its old stamp along.
  const current: Entitlements = { selfPurchase: view.selfPurchase, costManagement: view.costManagement };
  switch (event.type) {
    case 'SelfPurchaseGranted':
      return { ...current, selfPurchase: { resources: orderedResources([...current.selfPurchase.resources, ...event.data.resources]) } };
    case 'SelfPurchaseRevoked':
      return { ...current, selfPurchase: { resources: current.selfPurchase.resources.filter((r) => !event.data.resources.includes(r)) } };
    case 'CostManagementEnabled':
      return { ...current, costManagement: { enabled: true } };
    case 'CostManagementDisabled':
      return { ...current, costManagement: { enabled: false } };
    default:
      return assertNever(event);
  }
}

export const NO_ENTITLEMENTS: Entitlements = { selfPurchase: { resources: [] }, costManagement: { enabled: false } };
