import { billingProfileInput } from '@app/domain/testing';
import { CustomerEvent } from '@app/domain';
import { positionKey } from '@app/event-store';
import { at, billingDetails, events, metadata, PARTNER, projected, TENANT } from '../../testing/events';
import { AccountDetail, BillingProfileView, ProjectedEvent } from '../../views';
import { accountDetailProjection } from './account-detail.projection';
import { ESTABLISHED_AT, LATER, projectionSpecification } from '../../testing/projection-specification';

const { evolve } = accountDetailProjection;
const given = projectionSpecification(accountDetailProjection);
const FIRST_AGENT = 'agent-ada@partner.example';
const SECOND_AGENT = 'agent-bob@partner.example';

/** The flat billing section Ada's full profile shows, under the given company name. */
function adaBilling(companyName: string): BillingProfileView {
  return billingProfileInput(companyName) as BillingProfileView;
}

/** Contoso's account page right after the relationship began without billing profile (revision 0, position 10). */
function contoso(overrides: Partial<AccountDetail> = {}): AccountDetail {
  return {
    partnerId: PARTNER,
    id: TENANT,
    breadcrumbName: 'Contoso Ltd',
    companyProfile: { tenantId: TENANT, domain: 'contoso.onmicrosoft.com', companyName: 'Contoso Ltd' },
    billingProfile: { companyName: 'Contoso Ltd' },
    selfPurchase: { resources: [] },
    costManagement: { enabled: false },
    revision: 0,
    position: at(10),
    updatedAt: ESTABLISHED_AT,
    updatedBy: FIRST_AGENT,
    ...overrides,
  };
}

/** What the next event (revision 1 at position 20, by another agent a day later) stamps. */
const laterStamp = { revision: 1, position: at(20), updatedAt: LATER, updatedBy: SECOND_AGENT };

const next = (event: CustomerEvent) =>
  projected(event, { revision: 1, position: 20, metadata: metadata({ sub: SECOND_AGENT, at: LATER }) });

const establish = (event: CustomerEvent) =>
  projected(event, { revision: 0, position: 10, metadata: metadata({ sub: FIRST_AGENT, at: ESTABLISHED_AT }) });

describe('account detail projection', () => {
  describe('CustomerRelationshipEstablished', () => {
    it('without a billing profile: the tenant name in breadcrumb, company info and billing info', () => {
      given(null).when(establish(events.established())).then(contoso());
    });

    it('with a billing profile: billing info flat, under the tenant name', () => {
      given(null)
        .when(establish(events.established({ billingProfile: billingDetails() })))
        .then(contoso({ billingProfile: adaBilling('Contoso Ltd') }));
    });

    it('leaves out what the billing profile leaves out', () => {
      const details = billingDetails({ phoneNumber: undefined });
      const { phoneNumber: _, ...contact } = details.contact;
      const withoutPhone = { ...details, contact };
      const { phoneNumber: __, ...expected } = adaBilling('Contoso Ltd');
      given(null)
        .when(establish(events.established({ billingProfile: withoutPhone })))
        .then(contoso({ billingProfile: expected }));
    });
  });

  describe('CustomerRenamed', () => {
    it('shows the friendly name in billing info and keeps the tenant name in breadcrumb and company info', () => {
      given(contoso({ billingProfile: adaBilling('Contoso Ltd') }))
        .when(next(events.renamed('Contoso Ltd', 'Contoso (EMEA)')))
        .then(contoso({ billingProfile: adaBilling('Contoso (EMEA)'), ...laterStamp }));
    });

    it('renames a customer without billing details', () => {
      given(contoso())
        .when(next(events.renamed('Contoso Ltd', 'Contoso (EMEA)')))
        .then(contoso({ billingProfile: { companyName: 'Contoso (EMEA)' }, ...laterStamp }));
    });
  });

  describe('BillingProfileUpdated', () => {
    it('fills billing info under the friendly name', () => {
      given(contoso({ billingProfile: { companyName: 'Contoso (EMEA)' } }))
        .when(next(events.billingUpdated()))
        .then(contoso({ billingProfile: adaBilling('Contoso (EMEA)'), ...laterStamp }));
    });

    it('replaces the whole profile: a field the new profile leaves out is gone', () => {
      const { phoneNumber: _, ...contact } = billingDetails({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@contoso.com' }).contact;
      const replacement = { culture: 'fr-FR', language: 'fr', contact: { ...contact, defaultAddress: { addressLine1: '1 Rue de l’Église', city: 'Paris', postalCode: '75001', country: 'FR' } } };

      given(contoso({ billingProfile: adaBilling('Contoso (EMEA)') }))
        .when(next(events.billingUpdated(replacement)))
        .then(
          contoso({
            billingProfile: {
              companyName: 'Contoso (EMEA)',
              firstName: 'Grace',
              lastName: 'Hopper',
              email: 'grace@contoso.com',
              culture: 'fr-FR',
              language: 'fr',
              defaultAddress: { addressLine1: '1 Rue de l’Église', city: 'Paris', postalCode: '75001', country: 'FR' },
            },
            ...laterStamp,
          }),
        );
    });
  });

  describe('SelfPurchaseGranted', () => {
    it('adds the resources, each once, in catalogue order', () => {
      given(contoso({ selfPurchase: { resources: ['AzureSavingsPlan'] } }))
        .when(next(events.selfPurchaseGranted('AzureSavingsPlan', 'AzureReservedInstances')))
        .then(contoso({ selfPurchase: { resources: ['AzureReservedInstances', 'AzureSavingsPlan'] }, ...laterStamp }));
    });
  });

  describe('SelfPurchaseRevoked', () => {
    it('removes the resources and keeps the others', () => {
      given(contoso({ selfPurchase: { resources: ['AzureReservedInstances', 'AzureSavingsPlan'] } }))
        .when(next(events.selfPurchaseRevoked('AzureSavingsPlan')))
        .then(contoso({ selfPurchase: { resources: ['AzureReservedInstances'] }, ...laterStamp }));
    });
  });

  describe('CostManagementEnabled', () => {
    it('turns cost management on', () => {
      given(contoso())
        .when(next(events.costManagementEnabled()))
        .then(contoso({ costManagement: { enabled: true }, ...laterStamp }));
    });
  });

  describe('CostManagementDisabled', () => {
    it('turns cost management off', () => {
      given(contoso({ costManagement: { enabled: true } }))
        .when(next(events.costManagementDisabled()))
        .then(contoso({ costManagement: { enabled: false }, ...laterStamp }));
    });
  });

  describe('a whole history', () => {
    it('folds every event type into the page the last one leaves, stamped by the last actor', () => {
      const history: CustomerEvent[] = [
        events.established({ billingProfile: billingDetails() }),
        events.renamed('Contoso Ltd', 'Contoso Friendly'),
        events.billingUpdated(billingDetails({ email: 'billing@contoso.com' })),
        events.selfPurchaseGranted('AzureReservedInstances', 'AzureSavingsPlan'),
        events.selfPurchaseRevoked('AzureReservedInstances'),
        events.costManagementEnabled(),
        events.costManagementDisabled(),
        events.renamed('Contoso Friendly', 'Contoso Friendlier'),
      ];
      const stream = history.map((e, i) =>
        projected(e, { revision: i, position: 100 + i * 3, metadata: metadata({ sub: `agent-${i}`, at: `2025-03-0${i + 1}T00:00:00.000Z` }) }),
      );

      const view = stream.reduce(evolve, null);

      expect(view).toStrictEqual(
        contoso({
          billingProfile: { ...adaBilling('Contoso Friendlier'), email: 'billing@contoso.com' },
          selfPurchase: { resources: ['AzureSavingsPlan'] },
          revision: 7,
          position: at(121),
          updatedAt: '2025-03-08T00:00:00.000Z',
          updatedBy: 'agent-7',
        }),
      );
      // Redelivering the whole stream (at least once) changes nothing.
      expect(stream.reduce(evolve, view)).toStrictEqual(view);
    });
  });

  describe('position guard', () => {
    const all: [string, CustomerEvent][] = [
      ['CustomerRelationshipEstablished', events.established({ companyName: 'Someone Else', billingProfile: billingDetails() })],
      ['CustomerRenamed', events.renamed('Contoso Ltd', 'Old Name')],
      ['BillingProfileUpdated', events.billingUpdated(billingDetails({ firstName: 'Old' }))],
      ['SelfPurchaseGranted', events.selfPurchaseGranted('AzureSavingsPlan')],
      ['SelfPurchaseRevoked', events.selfPurchaseRevoked('AzureReservedInstances')],
      ['CostManagementEnabled', events.costManagementEnabled()],
      ['CostManagementDisabled', events.costManagementDisabled()],
    ];
    const current = contoso({
      billingProfile: adaBilling('Contoso (EMEA)'),
      selfPurchase: { resources: ['AzureReservedInstances'] },
      costManagement: { enabled: true },
      revision: 5,
      position: at(50),
      updatedAt: LATER,
      updatedBy: SECOND_AGENT,
    });

    it.each(all)('the same %s delivered twice changes nothing', (_type, event) => {
      const e = projected(event, { revision: 6, position: 60, metadata: metadata({ sub: 'agent-carol' }) });
      const once = evolve(current, e);
      expect(evolve(once, e)).toStrictEqual(once);
    });

    it.each(all)('an older %s after a newer event changes nothing', (_type, event) => {
      given(current)
        .when(projected(event, { revision: 3, position: 30, metadata: metadata({ sub: 'agent-carol' }) }))
        .then(current);
    });

    it.each(all)('a %s at the position the view already reflects changes nothing', (_type, event) => {
      given(current)
        .when(projected(event, { revision: 5, position: 50, metadata: metadata({ sub: 'agent-carol' }) }))
        .then(current);
    });

    it('orders positions by commit, then prepare', () => {
      const view = contoso({ position: positionKey({ commit: 9n, prepare: 123_456n }) });
      const older = { ...next(events.costManagementEnabled()), position: positionKey({ commit: 9n, prepare: 99_999n }) };
      const newer = { ...next(events.costManagementEnabled()), position: positionKey({ commit: 10n, prepare: 7n }) };

      expect(evolve(view, older)).toBe(view);
      expect(evolve(view, newer)).toStrictEqual({ ...view, ...laterStamp, costManagement: { enabled: true }, position: newer.position });
    });
  });

  describe('without a page', () => {
    it.each([
      ['CustomerRenamed', events.renamed('Contoso Ltd', 'Contoso (EMEA)')],
      ['BillingProfileUpdated', events.billingUpdated()],
      ['SelfPurchaseGranted', events.selfPurchaseGranted('AzureSavingsPlan')],
      ['SelfPurchaseRevoked', events.selfPurchaseRevoked('AzureSavingsPlan')],
      ['CostManagementEnabled', events.costManagementEnabled()],
      ['CostManagementDisabled', events.costManagementDisabled()],
    ] as [string, CustomerEvent][])('a %s yields no page', (_type, event) => {
      given(null).when(next(event)).then(null);
    });
  });
});
