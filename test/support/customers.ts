import { billingProfileInput } from '@app/domain/testing';
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
  return billingProfileInput('Contoso Billing', overrides);
}
