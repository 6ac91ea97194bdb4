import { sameBillingDetails } from './billing-profile';
import { CustomerCommand } from './commands';
import { assertNever, CustomerAccount, EstablishedAccount } from './customer-account';
import { CustomerAlreadyExists, CustomerNotFound } from './errors';
import { CustomerEvent } from './events';
import { authorize } from './policy';

/**
 * Judges a valid command against the current state: the events to append, none when the command
 * changes nothing, or a DomainError.
 */
export function decide(command: CustomerCommand, state: CustomerAccount): CustomerEvent[] {
  const { actor } = command.metadata;
  authorize(actor, command.type === 'ErasePersonalData' ? 'erase' : 'write');

  if (command.type === 'EstablishCustomerRelationship') {
    if (state.exists) throw new CustomerAlreadyExists();
    const { tenantId, companyName, domain, billingProfile } = command.data;
    const data = { tenantId, partnerId: actor.partnerId, companyName, domain };
    return [{ type: 'CustomerRelationshipEstablished', data: billingProfile ? { ...data, billingProfile } : data }];
  }

  // Streams are per partner, so this only fails if a stream was addressed wrongly; it still answers
  // "not found" rather than revealing another partner's customer.
  if (!state.exists || state.partnerId !== actor.partnerId) throw new CustomerNotFound();

  switch (command.type) {
    case 'RenameCustomer':
      return rename(state, command.data.companyName);
    case 'UpdateBillingProfile': {
      const { companyName, billingProfile } = command.data;
      const updated: CustomerEvent[] = sameBillingDetails(state.billing, billingProfile)
        ? []
        : [{ type: 'BillingProfileUpdated', data: billingProfile }];
      return [...updated, ...rename(state, companyName)];
    }
    case 'GrantSelfPurchase': {
      const resources = command.data.resources.filter((r) => !state.selfPurchase.includes(r));
      return resources.length ? [{ type: 'SelfPurchaseGranted', data: { resources } }] : [];
    }
    case 'RevokeSelfPurchase': {
      const resources = command.data.resources.filter((r) => state.selfPurchase.includes(r));
      return resources.length ? [{ type: 'SelfPurchaseRevoked', data: { resources } }] : [];
    }
    case 'EnableCostManagement':
      return state.costManagementEnabled ? [] : [{ type: 'CostManagementEnabled', data: {} }];
    case 'DisableCostManagement':
      return state.costManagementEnabled ? [{ type: 'CostManagementDisabled', data: {} }] : [];
    case 'ErasePersonalData':
      // Judged on the recorded erase, not on whether the contact still opens: after a crash between
      // deleting the key and appending, the contact reads as erased but the erase is still owed.
      return state.billing && !state.personalDataErased ? [{ type: 'PersonalDataErased', data: { reason: command.data.reason } }] : [];
    default:
      return assertNever(command);
  }
}

function rename(state: EstablishedAccount, companyName: string): CustomerEvent[] {
  if (companyName === state.friendlyName) return [];
  return [{ type: 'CustomerRenamed', data: { previousName: state.friendlyName, companyName } }];
}
