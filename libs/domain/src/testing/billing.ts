import { BillingContact, BillingDetails, PostalAddress } from '../billing-profile';

/** One billing contact, written once for every test: Ada Lovelace of Contoso in Redmond. */
export const ADDRESS: PostalAddress = { addressLine1: '1 Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' };

export const CONTACT: BillingContact = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@contoso.com',
  phoneNumber: '+1 425 555 0100',
  defaultAddress: ADDRESS,
};

/** Billing details as a request body and a command take them: flat, without the company name. */
export function billingInput(overrides: Record<string, unknown> = {}): Record<string, unknown> & typeof FLAT {
  return { ...FLAT, ...overrides } as Record<string, unknown> & typeof FLAT;
}

const FLAT = { ...CONTACT, culture: 'en-US', language: 'en' };

/** A full billing profile as the PUT body and the account-detail view carry it: flat, with a company name. */
export function billingProfileInput(companyName = 'Contoso Billing', overrides: Record<string, unknown> = {}) {
  return billingInput({ companyName, ...overrides }) as ReturnType<typeof billingInput> & { companyName: string };
}

/** Billing details as `BillingProfileUpdated` (schema version 2) stores them: personal data under `contact`. */
export function billingDetails(contact: Partial<BillingContact> = {}): BillingDetails {
  return { culture: 'en-US', language: 'en', contact: { ...CONTACT, ...contact } };
}
