import { BillingDetails } from './billing-profile';
import { CustomerEventType } from './events';

/**
 * The schema version each event type is written with today. Raise one when an event's shape
 * changes, keep the old shape below as a `V…` type, and add the upcaster from it.
 */
export const SCHEMA_VERSIONS: Readonly<Record<CustomerEventType, number>> = {
  CustomerRelationshipEstablished: 3,
  CustomerRenamed: 1,
  BillingProfileUpdated: 3,
  SelfPurchaseGranted: 1,
  SelfPurchaseRevoked: 1,
  CostManagementEnabled: 1,
  CostManagementDisabled: 1,
  PersonalDataErased: 1,
};

/**
 * Version 1 of the billing details: flat, as the HTTP body is. Version 2 gathered the contact's
 * personal data into one `contact` sub-object, so it can be encrypted and erased as one.
 */
export interface BillingDetailsV1 {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phoneNumber?: string;
  readonly culture: string;
  readonly language: string;
  readonly defaultAddress: BillingDetails['contact']['defaultAddress'];
}

export function billingDetailsFromV1({ culture, language, ...contact }: BillingDetailsV1): BillingDetails {
  return { culture, language, contact };
}

// Version 3 of both: the contact may be sealed (`SealedContact`: the personal fields encrypted under
// the relationship's data key). A version-2 contact is always plain and is a valid version 3 as it
// is, so the step changes nothing but the version; the reader that opens sealed contacts decides
// what an erase hides of it.
const unchanged = (data: unknown): unknown => data;

/** The upcasters of customer events (pure functions; the event store applies them on every read). */
export const CUSTOMER_UPCASTERS = [
  { type: 'BillingProfileUpdated', fromVersion: 2, upcast: unchanged },
  { type: 'CustomerRelationshipEstablished', fromVersion: 2, upcast: unchanged },
  {
    type: 'BillingProfileUpdated',
    fromVersion: 1,
    upcast: (data: unknown): unknown => billingDetailsFromV1(data as BillingDetailsV1),
  },
  {
    type: 'CustomerRelationshipEstablished',
    fromVersion: 1,
    upcast: (data: unknown): unknown => {
      const { billingProfile, ...rest } = data as { billingProfile?: BillingDetailsV1 };
      return billingProfile ? { ...rest, billingProfile: billingDetailsFromV1(billingProfile) } : rest;
    },
  },
] as const;
