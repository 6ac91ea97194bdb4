/** Plain words for what the API names in code. */

export const EVENT_LABELS: Record<string, string> = {
  CustomerRelationshipEstablished: 'Relationship established',
  CustomerRenamed: 'Renamed',
  BillingProfileUpdated: 'Billing profile updated',
  SelfPurchaseGranted: 'Self-purchase granted',
  SelfPurchaseRevoked: 'Self-purchase revoked',
  CostManagementEnabled: 'Cost Management enabled',
  CostManagementDisabled: 'Cost Management disabled',
};

export const EVENT_TYPES = Object.keys(EVENT_LABELS) as (keyof typeof EVENT_LABELS)[];

export const RESOURCE_LABELS: Record<string, string> = {
  AzureReservedInstances: 'Azure reserved instances',
  AzureSavingsPlan: 'Azure savings plan',
};

export const RESOURCES = ['AzureReservedInstances', 'AzureSavingsPlan'] as const;

const FIELD_LABELS: Record<string, string> = {
  'company.companyName': 'Company info: company name',
  'company.domain': 'Company info: domain',
  'company.tenantId': 'Company info: tenant ID',
  'billing.companyName': 'Billing info: company name',
  'billing.firstName': 'First name',
  'billing.lastName': 'Last name',
  'billing.email': 'Email',
  'billing.phoneNumber': 'Phone number',
  'billing.culture': 'Culture',
  'billing.language': 'Language',
  'billing.defaultAddress': 'Address',
  'billing.defaultAddress.addressLine1': 'Address line 1',
  'billing.defaultAddress.addressLine2': 'Address line 2',
  'billing.defaultAddress.addressLine3': 'Address line 3',
  'billing.defaultAddress.city': 'City',
  'billing.defaultAddress.state': 'State or province',
  'billing.defaultAddress.postalCode': 'Postal code',
  'billing.defaultAddress.country': 'Country',
  'selfPurchase.AzureReservedInstances': 'Self-purchase: Azure reserved instances',
  'selfPurchase.AzureSavingsPlan': 'Self-purchase: Azure savings plan',
  'costManagement.enabled': 'Cost Management',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
