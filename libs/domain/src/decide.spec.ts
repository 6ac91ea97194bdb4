import { Actor, Role } from './actor';
import { BillingDetails, erasedContact, StoredContact } from './billing-profile';
import { CommandMetadata, commands, CustomerCommand } from './commands';
import { EstablishedAccount } from './customer-account';
import { decide } from './decide';
import { CustomerAlreadyExists, CustomerNotFound, Forbidden } from './errors';
import { CustomerEvent, CustomerRelationshipEstablished } from './events';
import { billingDetails, billingInput, fold, spec } from './testing';

const TENANT = '0f8fad5b-d9cb-469f-a165-70867728950e';
const PARTNER = 'partner-1';
const DOMAIN = 'contoso.onmicrosoft.com';

const actor = (overrides: Partial<Actor> = {}): Actor => ({
  sub: 'user-1',
  partnerId: PARTNER,
  partnerType: 'direct-csp',
  roles: ['admin-agent'],
  ...overrides,
});

const meta = (who: Actor = actor()): CommandMetadata => ({
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  actor: who,
});

const PROFILE_INPUT = billingInput();
const PROFILE: BillingDetails = billingDetails();

// Commands go through the constructors, as they do in the application.
const establish = (body: Record<string, unknown> = {}, who?: Actor) =>
  commands.establishCustomerRelationship({ tenantId: TENANT, companyName: 'Contoso', domain: DOMAIN, ...body }, meta(who));
const rename = (companyName: string, who?: Actor) => commands.renameCustomer(TENANT, { companyName }, meta(who));
const updateBilling = (companyName: string, profile: Record<string, unknown> = PROFILE_INPUT, who?: Actor) =>
  commands.updateBillingProfile(TENANT, { companyName, ...profile }, meta(who));
const grant = (resources?: string[], who?: Actor) =>
  commands.grantSelfPurchase(TENANT, resources ? { resources } : {}, meta(who));
const revoke = (resources?: string[], who?: Actor) =>
  commands.revokeSelfPurchase(TENANT, resources ? { resources } : {}, meta(who));
const enable = (who?: Actor) => commands.enableCostManagement(TENANT, {}, meta(who));
const disable = (who?: Actor) => commands.disableCostManagement(TENANT, {}, meta(who));
const erase = (who?: Actor) => commands.erasePersonalData(TENANT, { reason: 'GDPR request 42' }, meta(who));

const established = (data: Partial<CustomerRelationshipEstablished['data']> = {}): CustomerRelationshipEstablished => ({
  type: 'CustomerRelationshipEstablished',
  data: { tenantId: TENANT, partnerId: PARTNER, companyName: 'Contoso', domain: DOMAIN, ...data },
});
const renamed = (previousName: string, companyName: string): CustomerEvent => ({
  type: 'CustomerRenamed',
  data: { previousName, companyName },
});
const granted = (...resources: ('AzureReservedInstances' | 'AzureSavingsPlan')[]): CustomerEvent => ({
  type: 'SelfPurchaseGranted',
  data: { resources },
});
const revoked = (...resources: ('AzureReservedInstances' | 'AzureSavingsPlan')[]): CustomerEvent => ({
  type: 'SelfPurchaseRevoked',
  data: { resources },
});
const costManagementEnabled: CustomerEvent = { type: 'CostManagementEnabled', data: {} };
const costManagementDisabled: CustomerEvent = { type: 'CostManagementDisabled', data: {} };
const erased: CustomerEvent = { type: 'PersonalDataErased', data: { reason: 'GDPR request 42' } };
const billingUpdated = (details: BillingDetails<StoredContact> = PROFILE): CustomerEvent => ({ type: 'BillingProfileUpdated', data: details });

const account = (state: ReturnType<typeof fold>): EstablishedAccount => {
  if (!state.exists) throw new Error('expected an established account');
  return state;
};

/** Every write, each with a history in which it would emit events for an allowed actor. */
const WRITES: [string, CustomerEvent[], (who?: Actor) => CustomerCommand][] = [
  ['EstablishCustomerRelationship', [], (who) => establish({}, who)],
  ['RenameCustomer', [established()], (who) => rename('Fabrikam', who)],
  ['UpdateBillingProfile', [established()], (who) => updateBilling('Contoso', PROFILE_INPUT, who)],
  ['GrantSelfPurchase', [established()], (who) => grant(undefined, who)],
  ['RevokeSelfPurchase', [established(), granted('AzureReservedInstances')], (who) => revoke(undefined, who)],
  ['EnableCostManagement', [established()], (who) => enable(who)],
  ['DisableCostManagement', [established(), costManagementEnabled], (who) => disable(who)],
];
const WRITES_ON_EXISTING = WRITES.filter(([name]) => name !== 'EstablishCustomerRelationship');

describe('decide: rejections shared by every command', () => {
  // Control cases: each write emits something for an allowed actor, so the rejections below are
  // caused by the actor or the state, not by a command that would change nothing anyway.
  test.each(WRITES)('%s emits events for an admin agent of a direct CSP', (name, history, command) => {
    expect(command().type).toBe(name);
    expect(decide(command(), fold(history)).length).toBeGreaterThan(0);
  });

  test.each(WRITES)('%s is allowed for a sales agent of an indirect provider', (_name, history, command) => {
    const who = actor({ partnerType: 'indirect-provider', roles: ['sales-agent'] });
    expect(decide(command(who), fold(history)).length).toBeGreaterThan(0);
  });

  test.each(WRITES)('%s is forbidden to an indirect reseller, even an admin agent', (_name, history, command) => {
    spec
      .given(history)
      .when(command(actor({ partnerType: 'indirect-reseller', roles: ['admin-agent', 'sales-agent'] })))
      .thenThrows(Forbidden, (e) => e.code === 'FORBIDDEN');
  });

  const READ_ONLY_ROLES: Role[][] = [['helpdesk-agent'], ['billing-admin'], ['auditor'], ['helpdesk-agent', 'billing-admin', 'auditor'], []];
  describe.each(READ_ONLY_ROLES.map((roles) => [roles.join('+') || 'no role', roles] as const))(
    'a user holding only %s',
    (_label, roles) => {
      test.each(WRITES)('is forbidden to %s', (_name, history, command) => {
        spec
          .given(history)
          .when(command(actor({ roles })))
          .thenThrows(Forbidden);
      });
    },
  );

  test.each(WRITES_ON_EXISTING)('%s on a stream with no events is CustomerNotFound', (_name, _history, command) => {
    spec.given([]).when(command()).thenThrows(CustomerNotFound, (e) => e.code === 'CUSTOMER_NOT_FOUND');
  });

  test.each(WRITES_ON_EXISTING)("%s on another partner's customer is CustomerNotFound", (_name, history, command) => {
    const othersHistory = history.map((e) =>
      e.type === 'CustomerRelationshipEstablished' ? established({ partnerId: 'partner-2' }) : e,
    );
    spec.given(othersHistory).when(command()).thenThrows(CustomerNotFound);
  });
});

describe('EstablishCustomerRelationship', () => {
  test('emits the relationship with the partner taken from the actor and no billing profile', () => {
    spec.given([]).when(establish()).then([established()]);
  });

  test('refuses a partnerId in the body: the partner is always the actor', () => {
    expect(() => establish({ partnerId: 'partner-evil' })).toThrow(
      expect.objectContaining({ errors: [{ field: 'partnerId', message: 'is not a known property' }] }),
    );
  });

  test('carries the billing profile when one is given', () => {
    spec
      .given([])
      .when(establish({ billingProfile: PROFILE_INPUT }))
      .then([established({ billingProfile: PROFILE })]);
  });

  test('starts the account with friendly name equal to original name and nothing granted', () => {
    const state = spec.given([]).when(establish()).then([established()]);
    expect(state).toStrictEqual({
      exists: true,
      partnerId: PARTNER,
      tenantId: TENANT,
      originalName: 'Contoso',
      domain: DOMAIN,
      friendlyName: 'Contoso',
      billing: null,
      selfPurchase: [],
      costManagementEnabled: false,
      personalDataErased: false,
    });
  });

  test('keeps the billing profile in state', () => {
    const state = account(spec.given([]).when(establish({ billingProfile: PROFILE_INPUT })).then([established({ billingProfile: PROFILE })]));
    expect(state.billing).toStrictEqual(PROFILE);
  });

  test('establishing twice is CustomerAlreadyExists', () => {
    spec.given([established()]).when(establish()).thenThrows(CustomerAlreadyExists, (e) => e.code === 'CUSTOMER_ALREADY_EXISTS');
  });

  test('has no no-op: establishing again with identical data is still CustomerAlreadyExists', () => {
    spec
      .given([established(), renamed('Contoso', 'Fabrikam')])
      .when(establish())
      .thenThrows(CustomerAlreadyExists);
  });
});

describe('RenameCustomer', () => {
  test('emits the previous and the new name', () => {
    spec.given([established()]).when(rename('Fabrikam')).then([renamed('Contoso', 'Fabrikam')]);
  });

  test('previousName is the current friendly name, not the original one', () => {
    spec
      .given([established(), renamed('Contoso', 'Fabrikam')])
      .when(rename('Northwind'))
      .then([renamed('Fabrikam', 'Northwind')]);
  });

  test('renaming back to the original name is a change', () => {
    spec
      .given([established(), renamed('Contoso', 'Fabrikam')])
      .when(rename('Contoso'))
      .then([renamed('Fabrikam', 'Contoso')]);
  });

  test('is a no-op when the name is the current one', () => {
    spec.given([established(), renamed('Contoso', 'Fabrikam')]).when(rename('Fabrikam')).then([]);
  });

  test('is a no-op when the name differs only by surrounding whitespace', () => {
    spec.given([established()]).when(rename('  Contoso \t')).then([]);
  });

  test('changes the friendly name but never the original name, domain or tenant id', () => {
    const state = account(
      spec.given([established(), renamed('Contoso', 'Fabrikam')]).when(rename('Northwind')).then([renamed('Fabrikam', 'Northwind')]),
    );
    expect(state).toMatchObject({ friendlyName: 'Northwind', originalName: 'Contoso', domain: DOMAIN, tenantId: TENANT });
  });
});

describe('UpdateBillingProfile', () => {
  const updated = (data: BillingDetails): CustomerEvent => ({ type: 'BillingProfileUpdated', data });
  const withProfile = established({ billingProfile: PROFILE });
  const NEW_PROFILE_INPUT = { ...PROFILE_INPUT, email: 'billing@contoso.com' };
  const NEW_PROFILE: BillingDetails = { ...PROFILE, contact: { ...PROFILE.contact, email: 'billing@contoso.com' } };

  test('emits BillingProfileUpdated when the account had no billing profile', () => {
    spec.given([established()]).when(updateBilling('Contoso')).then([updated(PROFILE)]);
  });

  test('emits BillingProfileUpdated when a detail differs', () => {
    spec.given([withProfile]).when(updateBilling('Contoso', NEW_PROFILE_INPUT)).then([updated(NEW_PROFILE)]);
  });

  test('emits BillingProfileUpdated when an optional field is removed', () => {
    const { phoneNumber: _dropped, ...withoutPhone } = PROFILE_INPUT;
    const { phoneNumber: _alsoDropped, ...contact } = PROFILE.contact;
    spec.given([withProfile]).when(updateBilling('Contoso', withoutPhone)).then([updated({ ...PROFILE, contact })]);
  });

  test('emits only CustomerRenamed when only the company name differs', () => {
    spec.given([withProfile]).when(updateBilling('Fabrikam')).then([renamed('Contoso', 'Fabrikam')]);
  });

  test('emits BillingProfileUpdated then CustomerRenamed when both differ', () => {
    spec
      .given([withProfile])
      .when(updateBilling('Fabrikam', NEW_PROFILE_INPUT))
      .then([updated(NEW_PROFILE), renamed('Contoso', 'Fabrikam')]);
  });

  test('is a no-op when the company name and the details are both equal', () => {
    spec.given([withProfile]).when(updateBilling('Contoso')).then([]);
  });

  test('is a no-op when the input differs only by key order, whitespace and letter case the constructor normalizes', () => {
    const sameInOtherShape = {
      language: 'EN',
      culture: ' en-US ',
      defaultAddress: { country: 'us', postalCode: '98052', state: 'WA', city: ' Redmond', addressLine1: '1 Microsoft Way' },
      phoneNumber: '+1 425 555 0100',
      email: 'ada@contoso.com ',
      lastName: 'Lovelace',
      firstName: 'Ada',
    };
    spec.given([withProfile]).when(updateBilling(' Contoso ', sameInOtherShape)).then([]);
  });

  test('is a no-op when the stored profile has its keys in another order (as a JSON store may return it)', () => {
    const { country, postalCode, state, city, addressLine1 } = PROFILE.contact.defaultAddress;
    const { defaultAddress: _address, phoneNumber, email, lastName, firstName } = PROFILE.contact;
    const reordered: BillingDetails = {
      language: 'en',
      contact: { phoneNumber, email, defaultAddress: { country, postalCode, state, city, addressLine1 }, lastName, firstName },
      culture: 'en-US',
    };
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(PROFILE));
    spec.given([established({ billingProfile: reordered })]).when(updateBilling('Contoso')).then([]);
  });

  test('compares with the latest billing profile, not the first one', () => {
    spec.given([withProfile, updated(NEW_PROFILE)]).when(updateBilling('Contoso', NEW_PROFILE_INPUT)).then([]);
  });

  test('compares the name with the current friendly name', () => {
    spec.given([withProfile, renamed('Contoso', 'Fabrikam')]).when(updateBilling('Fabrikam')).then([]);
  });

  test('never changes the original name, domain or tenant id', () => {
    const state = account(
      spec
        .given([withProfile, renamed('Contoso', 'Fabrikam')])
        .when(updateBilling('Northwind', NEW_PROFILE_INPUT))
        .then([updated(NEW_PROFILE), renamed('Fabrikam', 'Northwind')]),
    );
    expect(state).toMatchObject({ friendlyName: 'Northwind', originalName: 'Contoso', domain: DOMAIN, tenantId: TENANT });
    expect(state.billing).toStrictEqual(NEW_PROFILE);
  });
});

describe('GrantSelfPurchase', () => {
  test('with no resources given grants the whole catalogue, in catalogue order', () => {
    spec.given([established()]).when(grant()).then([granted('AzureReservedInstances', 'AzureSavingsPlan')]);
  });

  test('emits resources in catalogue order whatever the input order', () => {
    spec
      .given([established()])
      .when(grant(['AzureSavingsPlan', 'AzureReservedInstances']))
      .then([granted('AzureReservedInstances', 'AzureSavingsPlan')]);
  });

  test('emits only the resources not yet granted', () => {
    spec
      .given([established(), granted('AzureReservedInstances')])
      .when(grant(['AzureSavingsPlan', 'AzureReservedInstances']))
      .then([granted('AzureSavingsPlan')]);
  });

  test('is a no-op when every requested resource is already granted', () => {
    spec.given([established(), granted('AzureReservedInstances', 'AzureSavingsPlan')]).when(grant(['AzureSavingsPlan'])).then([]);
  });

  test('grants again what was revoked', () => {
    spec
      .given([established(), granted('AzureReservedInstances'), revoked('AzureReservedInstances')])
      .when(grant(['AzureReservedInstances']))
      .then([granted('AzureReservedInstances')]);
  });

  test('keeps the granted resources in catalogue order in state', () => {
    const state = account(
      spec.given([established(), granted('AzureSavingsPlan')]).when(grant()).then([granted('AzureReservedInstances')]),
    );
    expect(state.selfPurchase).toStrictEqual(['AzureReservedInstances', 'AzureSavingsPlan']);
  });
});

describe('RevokeSelfPurchase', () => {
  test('emits the requested resources that are granted', () => {
    const state = account(
      spec
        .given([established(), granted('AzureReservedInstances', 'AzureSavingsPlan')])
        .when(revoke(['AzureSavingsPlan']))
        .then([revoked('AzureSavingsPlan')]),
    );
    expect(state.selfPurchase).toStrictEqual(['AzureReservedInstances']);
  });

  test('with no resources given revokes only what is currently granted', () => {
    spec.given([established(), granted('AzureReservedInstances')]).when(revoke()).then([revoked('AzureReservedInstances')]);
  });

  test('revokes everything in catalogue order', () => {
    const state = account(
      spec
        .given([established(), granted('AzureReservedInstances', 'AzureSavingsPlan')])
        .when(revoke(['AzureSavingsPlan', 'AzureReservedInstances']))
        .then([revoked('AzureReservedInstances', 'AzureSavingsPlan')]),
    );
    expect(state.selfPurchase).toStrictEqual([]);
  });

  test('is a no-op when nothing requested is granted', () => {
    spec.given([established(), granted('AzureReservedInstances')]).when(revoke(['AzureSavingsPlan'])).then([]);
  });

  test('is a no-op when nothing was ever granted', () => {
    spec.given([established()]).when(revoke()).then([]);
  });
});

describe('EnableCostManagement', () => {
  test('emits CostManagementEnabled when disabled', () => {
    const state = account(spec.given([established()]).when(enable()).then([costManagementEnabled]));
    expect(state.costManagementEnabled).toBe(true);
  });

  test('emits CostManagementEnabled again after it was disabled', () => {
    spec.given([established(), costManagementEnabled, costManagementDisabled]).when(enable()).then([costManagementEnabled]);
  });

  test('is a no-op when already enabled', () => {
    spec.given([established(), costManagementEnabled]).when(enable()).then([]);
  });
});

describe('DisableCostManagement', () => {
  test('emits CostManagementDisabled when enabled', () => {
    const state = account(spec.given([established(), costManagementEnabled]).when(disable()).then([costManagementDisabled]));
    expect(state.costManagementEnabled).toBe(false);
  });

  test('is a no-op when never enabled', () => {
    spec.given([established()]).when(disable()).then([]);
  });

  test('is a no-op when already disabled', () => {
    spec.given([established(), costManagementEnabled, costManagementDisabled]).when(disable()).then([]);
  });
});

describe('ErasePersonalData', () => {
  test('emits PersonalDataErased when there is a contact, and the state keeps only what is not personal', () => {
    const state = account(spec.given([established(), billingUpdated()]).when(erase()).then([erased]));
    expect(state.personalDataErased).toBe(true);
    expect(state.billing).toStrictEqual({
      culture: PROFILE.culture,
      language: PROFILE.language,
      contact: {
        personalDataErased: true,
        firstName: null,
        lastName: null,
        email: null,
        phoneNumber: null,
        defaultAddress: { ...erasedAddressOf(PROFILE) },
      },
    });
  });

  test('erasing twice changes nothing', () => {
    spec.given([established(), billingUpdated(), erased]).when(erase()).then([]);
  });

  test('with no billing profile there is nothing to erase', () => {
    spec.given([established()]).when(erase()).then([]);
  });

  test('a contact that already reads as erased (key deleted, then a crash before the append) is still erased: the erase is owed until recorded', () => {
    const unreadable = { ...PROFILE, contact: { ...erasedContact(PROFILE.contact) } };
    spec.given([established(), billingUpdated(unreadable)]).when(erase()).then([erased]);
  });

  test('a later billing update sets a new contact and clears the erase', () => {
    const state = account(spec.given([established(), billingUpdated(), erased]).when(updateBilling('Contoso')).then([billingUpdated()]));
    expect(state.personalDataErased).toBe(false);
    expect(state.billing).toStrictEqual(PROFILE);
  });

  test.each([
    ['a sales agent', actor({ roles: ['sales-agent'] })],
    ['an auditor', actor({ roles: ['auditor'] })],
    ['an admin agent of an indirect reseller', actor({ partnerType: 'indirect-reseller' })],
  ])('is forbidden to %s', (_label, who) => {
    spec.given([established(), billingUpdated()]).when(erase(who)).thenThrows(Forbidden);
  });

  test('needs a reason', () => {
    expect(() => commands.erasePersonalData(TENANT, {}, meta())).toThrow(/reason/);
  });
});

function erasedAddressOf(details: BillingDetails) {
  const { addressLine1: _1, addressLine2: _2, addressLine3: _3, ...plain } = details.contact.defaultAddress;
  return { addressLine1: null, addressLine2: null, addressLine3: null, ...plain };
}
