import { randomUUID } from 'node:crypto';

/** A valid establish body for a fresh tenant. */
export function newCustomer(overrides: Record<string, unknown> = {}): Record<string, unknown> & { tenantId: string } {
  return {
    tenantId: randomUUID(),
    companyName: 'Contoso Ltd',
    domain: 'contoso.onmicrosoft.com',
    ...overrides,
  } as Record<string, unknown> & { tenantId: string };
}

/** A valid full billing profile (PUT body). */
export function billingProfile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    companyName: 'Contoso Billing',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@contoso.com',
    phoneNumber: '+1 425 555 0100',
    culture: 'en-US',
    language: 'en',
    defaultAddress: { addressLine1: '1 Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
    ...overrides,
  };
}
