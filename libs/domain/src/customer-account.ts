import { BillingDetails, erasedContact, StoredContact } from './billing-profile';
import { CustomerEvent } from './events';
import { orderedResources, SelfPurchaseResource } from './self-purchase';

export interface EstablishedAccount {
  readonly exists: true;
  readonly partnerId: string;
  readonly tenantId: string;
  readonly originalName: string;
  readonly domain: string;
  readonly friendlyName: string;
  readonly billing: BillingDetails<StoredContact> | null;
  /** Set by an erase, cleared by the next contact: the erase is recorded, not merely a missing key. */
  readonly personalDataErased: boolean;
  readonly selfPurchase: readonly SelfPurchaseResource[];
  readonly costManagementEnabled: boolean;
}

/** The state `decide` needs, folded from one relationship's stream. */
export type CustomerAccount = { readonly exists: false } | EstablishedAccount;

export const initialState: CustomerAccount = { exists: false };

export function evolve(state: CustomerAccount, event: CustomerEvent): CustomerAccount {
  if (event.type === 'CustomerRelationshipEstablished') {
    const { partnerId, tenantId, companyName, domain, billingProfile } = event.data;
    return {
      exists: true,
      partnerId,
      tenantId,
      originalName: companyName,
      domain,
      friendlyName: companyName,
      billing: billingProfile ?? null,
      personalDataErased: false,
      selfPurchase: [],
      costManagementEnabled: false,
    };
  }
  // Events other than the first only ever follow it in a stream.
  if (!state.exists) return state;
  switch (event.type) {
    case 'CustomerRenamed':
      return { ...state, friendlyName: event.data.companyName };
    case 'BillingProfileUpdated':
      return { ...state, billing: event.data, personalDataErased: false };
    case 'SelfPurchaseGranted':
      return { ...state, selfPurchase: orderedResources([...state.selfPurchase, ...event.data.resources]) };
    case 'SelfPurchaseRevoked':
      return { ...state, selfPurchase: state.selfPurchase.filter((r) => !event.data.resources.includes(r)) };
    case 'CostManagementEnabled':
      return { ...state, costManagementEnabled: true };
    case 'CostManagementDisabled':
      return { ...state, costManagementEnabled: false };
    case 'PersonalDataErased':
      return { ...state, billing: state.billing && { ...state.billing, contact: erasedContact(state.billing.contact) }, personalDataErased: true };
    default:
      return assertNever(event);
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
