import { CustomerEvent } from '@app/domain';
import { positionKey } from '@app/event-store';
import { at, billingDetails, events, metadata, PARTNER, projected, TENANT } from '../../testing/events';
import { CustomerListItem, ProjectedEvent } from '../../views';
import { customerListProjection } from './customer-list.projection';
import { ESTABLISHED_AT, LATER, projectionSpecification } from '../../testing/projection-specification';

const { evolve } = customerListProjection;
const given = projectionSpecification(customerListProjection);

/** Contoso as the list shows it right after the relationship began (revision 0, position 10). */
function contoso(overrides: Partial<CustomerListItem> = {}): CustomerListItem {
  return {
    partnerId: PARTNER,
    id: TENANT,
    companyName: 'Contoso Ltd',
    domain: 'contoso.onmicrosoft.com',
    selfPurchase: { resources: [] },
    costManagement: { enabled: false },
    revision: 0,
    position: at(10),
    updatedAt: ESTABLISHED_AT,
    ...overrides,
  };
}

/** The next event of Contoso's stream: revision 1 at position 20, by another agent a day later. */
const next = (event: CustomerEvent, revision = 1, position = 20) =>
  projected(event, { revision, position, metadata: metadata({ sub: 'agent-bob@partner.example', at: LATER }) });

describe('customer list projection', () => {
  describe('CustomerRelationshipEstablished', () => {
    it('starts the entry with the tenant name, the domain, no entitlements and the event stamp', () => {
      given(null)
        .when(projected(events.established(), { revision: 0, position: 10, metadata: metadata({ at: ESTABLISHED_AT }) }))
        .then(contoso());
    });

    it('shows the same entry when the relationship begins with a billing profile (the list has no billing info)', () => {
      given(null)
        .when(
          projected(events.established({ billingProfile: billingDetails() }), {
            revision: 0,
            position: 10,
            metadata: metadata({ at: ESTABLISHED_AT }),
          }),
        )
        .then(contoso());
    });

    it('files the entry under the stream owner: partner and tenant of the projected event', () => {
      const tenantId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      given(null)
        .when(
          projected(events.established({ tenantId, partnerId: 'partner-fabrikam', companyName: 'Fabrikam, Inc.', domain: 'fabrikam.com' }), {
            revision: 0,
            position: 7,
            partnerId: 'partner-fabrikam',
            tenantId,
            metadata: metadata({ at: ESTABLISHED_AT, partnerId: 'partner-fabrikam' }),
          }),
        )
        .then(
          contoso({ partnerId: 'partner-fabrikam', id: tenantId, companyName: 'Fabrikam, Inc.', domain: 'fabrikam.com', position: at(7) }),
        );
    });
  });

  describe('CustomerRenamed', () => {
    it('shows the friendly name', () => {
      given(contoso())
        .when(next(events.renamed('Contoso Ltd', 'Contoso (EMEA)')))
        .then(contoso({ companyName: 'Contoso (EMEA)', revision: 1, position: at(20), updatedAt: LATER }));
    });
  });

  describe('BillingProfileUpdated', () => {
    it('keeps the entry and only moves its stamp', () => {
      given(contoso({ companyName: 'Contoso (EMEA)' }))
        .when(next(events.billingUpdated()))
        .then(contoso({ companyName: 'Contoso (EMEA)', revision: 1, position: at(20), updatedAt: LATER }));
    });
  });

  describe('SelfPurchaseGranted', () => {
    it('adds the resources', () => {
      given(contoso())
        .when(next(events.selfPurchaseGranted('AzureSavingsPlan')))
        .then(contoso({ selfPurchase: { resources: ['AzureSavingsPlan'] }, revision: 1, position: at(20), updatedAt: LATER }));
    });

    it('keeps each resource once, in catalogue order', () => {
      given(contoso({ selfPurchase: { resources: ['AzureSavingsPlan'] } }))
        .when(next(events.selfPurchaseGranted('AzureSavingsPlan', 'AzureReservedInstances')))
        .then(
          contoso({
            selfPurchase: { resources: ['AzureReservedInstances', 'AzureSavingsPlan'] },
            revision: 1,
            position: at(20),
            updatedAt: LATER,
          }),
        );
    });
  });

  describe('SelfPurchaseRevoked', () => {
    it('removes the resources and keeps the others', () => {
      given(contoso({ selfPurchase: { resources: ['AzureReservedInstances', 'AzureSavingsPlan'] } }))
        .when(next(events.selfPurchaseRevoked('AzureReservedInstances')))
        .then(contoso({ selfPurchase: { resources: ['AzureSavingsPlan'] }, revision: 1, position: at(20), updatedAt: LATER }));
    });

    it('revoking everything leaves an empty list', () => {
      given(contoso({ selfPurchase: { resources: ['AzureReservedInstances', 'AzureSavingsPlan'] } }))
        .when(next(events.selfPurchaseRevoked('AzureReservedInstances', 'AzureSavingsPlan')))
        .then(contoso({ revision: 1, position: at(20), updatedAt: LATER }));
    });
  });

  describe('CostManagementEnabled', () => {
    it('turns cost management on', () => {
      given(contoso())
        .when(next(events.costManagementEnabled()))
        .then(contoso({ costManagement: { enabled: true }, revision: 1, position: at(20), updatedAt: LATER }));
    });
  });

  describe('CostManagementDisabled', () => {
    it('turns cost management off', () => {
      given(contoso({ costManagement: { enabled: true } }))
        .when(next(events.costManagementDisabled()))
        .then(contoso({ revision: 1, position: at(20), updatedAt: LATER }));
    });
  });

  describe('a whole history', () => {
    it('folds every event type into the entry the last one leaves', () => {
      const history: CustomerEvent[] = [
        events.established({ billingProfile: billingDetails() }),
        events.renamed('Contoso Ltd', 'Contoso Friendly'),
        events.billingUpdated(billingDetails({ firstName: 'Grace', lastName: 'Hopper' })),
        events.selfPurchaseGranted('AzureReservedInstances', 'AzureSavingsPlan'),
        events.selfPurchaseRevoked('AzureSavingsPlan'),
        events.costManagementEnabled(),
        events.costManagementDisabled(),
        events.costManagementEnabled(),
      ];
      const stream = history.map((e, i) => projected(e, { revision: i, position: 100 + i * 3, metadata: metadata({ at: `2025-03-0${i + 1}T00:00:00.000Z` }) }));

      const view = stream.reduce(evolve, null);

      expect(view).toStrictEqual(
        contoso({
          companyName: 'Contoso Friendly',
          selfPurchase: { resources: ['AzureReservedInstances'] },
          costManagement: { enabled: true },
          revision: 7,
          position: at(121),
          updatedAt: '2025-03-08T00:00:00.000Z',
        }),
      );
      // Redelivering the whole stream (at least once) changes nothing.
      expect(stream.reduce(evolve, view)).toStrictEqual(view);
    });
  });

  describe('position guard', () => {
    const all: [string, CustomerEvent][] = [
      ['CustomerRelationshipEstablished', events.established({ companyName: 'Someone Else' })],
      ['CustomerRenamed', events.renamed('Contoso Ltd', 'Old Name')],
      ['BillingProfileUpdated', events.billingUpdated()],
      ['SelfPurchaseGranted', events.selfPurchaseGranted('AzureSavingsPlan')],
      ['SelfPurchaseRevoked', events.selfPurchaseRevoked('AzureReservedInstances')],
      ['CostManagementEnabled', events.costManagementEnabled()],
      ['CostManagementDisabled', events.costManagementDisabled()],
    ];
    const current = contoso({
      companyName: 'Contoso (EMEA)',
      selfPurchase: { resources: ['AzureReservedInstances'] },
      costManagement: { enabled: true },
      revision: 5,
      position: at(50),
      updatedAt: LATER,
    });

    it.each(all)('the same %s delivered twice changes nothing', (_type, event) => {
      const e = projected(event, { revision: 6, position: 60 });
      const once = evolve(current, e);
      expect(evolve(once, e)).toStrictEqual(once);
    });

    it.each(all)('an older %s after a newer event changes nothing', (_type, event) => {
      given(current)
        .when(projected(event, { revision: 3, position: 30 }))
        .then(current);
    });

    it.each(all)('a %s at the position the view already reflects changes nothing', (_type, event) => {
      given(current)
        .when(projected(event, { revision: 5, position: 50 }))
        .then(current);
    });

    it('orders positions by commit, then prepare, however many digits they have', () => {
      const view = contoso({ position: positionKey({ commit: 9n, prepare: 123_456n }) });
      const newer = { ...next(events.costManagementEnabled()), position: positionKey({ commit: 10n, prepare: 7n }) };
      const older = { ...next(events.costManagementEnabled()), position: positionKey({ commit: 9n, prepare: 99_999n }) };

      expect(evolve(view, older)).toBe(view);
      expect(evolve(view, newer)).toStrictEqual({ ...view, costManagement: { enabled: true }, revision: 1, position: newer.position, updatedAt: LATER });
    });
  });

  describe('without an entry', () => {
    it.each([
      ['CustomerRenamed', events.renamed('Contoso Ltd', 'Contoso (EMEA)')],
      ['BillingProfileUpdated', events.billingUpdated()],
      ['SelfPurchaseGranted', events.selfPurchaseGranted('AzureSavingsPlan')],
      ['SelfPurchaseRevoked', events.selfPurchaseRevoked('AzureSavingsPlan')],
      ['CostManagementEnabled', events.costManagementEnabled()],
      ['CostManagementDisabled', events.costManagementDisabled()],
    ] as [string, CustomerEvent][])('a %s yields no entry', (_type, event) => {
      given(null).when(next(event)).then(null);
    });
  });
});
