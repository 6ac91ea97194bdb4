export const PARTNER_TYPES = ['direct-csp', 'indirect-provider', 'indirect-reseller'] as const;
export type PartnerType = (typeof PARTNER_TYPES)[number];

export const ROLES = ['admin-agent', 'sales-agent', 'helpdesk-agent', 'billing-admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who asks: taken from a verified token, never from a request body. */
export interface Actor {
  readonly sub: string;
  readonly partnerId: string;
  readonly partnerType: PartnerType;
  readonly roles: readonly Role[];
}
