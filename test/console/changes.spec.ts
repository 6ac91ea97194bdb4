import { fieldChanges, type HistoryEvent } from '../../console/src/changes';

const contact = (city: string, extra: Record<string, unknown> = {}) => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@contoso.com',
  defaultAddress: { addressLine1: '1 Main St', city, postalCode: '98052', country: 'US' },
  ...extra,
});

describe('fieldChanges (the console history: each change field by field, before → after)', () => {
  const established: HistoryEvent = {
    revision: 0,
    type: 'CustomerRelationshipEstablished',
    data: { tenantId: 't-1', partnerId: 'p', companyName: 'Contoso Ltd', domain: 'contoso.com', billingProfile: { culture: 'en-US', language: 'en', contact: contact('Redmond') } },
  };

  it('shows a rename as the friendly name only, and leaves the original name alone', () => {
    const [, renamed] = fieldChanges([established, { revision: 1, type: 'CustomerRenamed', data: { previousName: 'Contoso Ltd', companyName: 'Contoso (EMEA)' } }]);
    expect(renamed).toEqual([{ field: 'billing.companyName', before: 'Contoso Ltd', after: 'Contoso (EMEA)' }]);
  });

  it('shows a billing profile update as the fields it changed, including fields it dropped', () => {
    const withPhone = { ...established, data: { ...established.data, billingProfile: { culture: 'en-US', language: 'en', contact: contact('Redmond', { phoneNumber: '+1 425' }) } } };
    const [first, updated] = fieldChanges([withPhone, { revision: 1, type: 'BillingProfileUpdated', data: { culture: 'en-US', language: 'en', contact: contact('Seattle') } }]);
    expect(first).toEqual(expect.arrayContaining([{ field: 'company.companyName', before: undefined, after: 'Contoso Ltd' }, { field: 'billing.defaultAddress.city', before: undefined, after: 'Redmond' }]));
    expect(updated).toEqual(
      expect.arrayContaining([
        { field: 'billing.defaultAddress.city', before: 'Redmond', after: 'Seattle' },
        { field: 'billing.phoneNumber', before: '+1 425', after: undefined },
      ]),
    );
    expect(updated).toHaveLength(2);
  });

  it('folds self-purchase per resource (no resources means all) and Cost Management', () => {
    const [, granted, revoked, enabled] = fieldChanges([
      established,
      { revision: 1, type: 'SelfPurchaseGranted', data: { resources: [] } },
      { revision: 2, type: 'SelfPurchaseRevoked', data: { resources: ['AzureSavingsPlan'] } },
      { revision: 3, type: 'CostManagementEnabled', data: {} },
    ]);
    expect(granted).toHaveLength(2);
    expect(revoked).toEqual([{ field: 'selfPurchase.AzureSavingsPlan', before: 'allowed', after: 'not allowed' }]);
    expect(enabled).toEqual([{ field: 'costManagement.enabled', before: 'disabled', after: 'enabled' }]);
  });

  it('shows an erased contact (null personal data) as erased, not as removed', () => {
    const [, erased] = fieldChanges([established, { revision: 1, type: 'BillingProfileUpdated', data: { culture: 'en-US', language: 'en', contact: null } }]);
    expect(erased).toEqual(expect.arrayContaining([{ field: 'billing.firstName', before: 'Ada', after: null }]));
    expect(erased.every((c) => c.after === null)).toBe(true);
  });

  it('shows a repeated state as no change', () => {
    const [, , again] = fieldChanges([established, { revision: 1, type: 'CostManagementEnabled', data: {} }, { revision: 2, type: 'CostManagementEnabled', data: {} }]);
    expect(again).toEqual([]);
  });
});
