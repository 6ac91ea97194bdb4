import { BillingDetails } from './billing-profile';
import { decodeCustomerEvent, StoredEvent, UndecodableEvent } from './decode-event';
import { CustomerEvent, EVENT_TYPES, EventMetadata } from './events';
import { billingDetails } from './testing';

const TENANT = '5f1c2b9e-7a4d-4c1e-9b3a-2d6e8f0a1b2c';
const STREAM = `customer-contoso-${TENANT}`;

// Without a phone number: decoding must accept the optional field's absence.
const DETAILS: BillingDetails = billingDetails({ phoneNumber: undefined });

const METADATA: EventMetadata = {
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  actor: { sub: 'agent-ada@partner.example', partnerId: 'contoso', roles: ['admin-agent'] },
  occurredAt: '2025-03-01T09:30:00.000Z',
  schemaVersion: 1,
};

const ONE_OF_EACH: CustomerEvent[] = [
  { type: 'CustomerRelationshipEstablished', data: { tenantId: TENANT, partnerId: 'contoso', companyName: 'Contoso', domain: 'contoso.com' } },
  {
    type: 'CustomerRelationshipEstablished',
    data: { tenantId: TENANT, partnerId: 'contoso', companyName: 'Contoso', domain: 'contoso.com', billingProfile: DETAILS },
  },
  { type: 'CustomerRenamed', data: { previousName: 'Contoso', companyName: 'Contoso (EMEA)' } },
  { type: 'BillingProfileUpdated', data: { ...DETAILS, contact: { ...DETAILS.contact, phoneNumber: '+1 425 555 0100' } } },
  { type: 'SelfPurchaseGranted', data: { resources: ['AzureReservedInstances', 'AzureSavingsPlan'] } },
  { type: 'SelfPurchaseRevoked', data: { resources: ['AzureSavingsPlan'] } },
  { type: 'CostManagementEnabled', data: {} },
  { type: 'CostManagementDisabled', data: {} },
  { type: 'PersonalDataErased', data: { reason: 'GDPR request 42' } },
];

const stored = (type: string, data: unknown, metadata: unknown = METADATA): StoredEvent => ({ stream: STREAM, revision: 7n, type, data, metadata });

function problemsOf(event: StoredEvent): readonly string[] {
  try {
    decodeCustomerEvent(event);
  } catch (error) {
    expect(error).toBeInstanceOf(UndecodableEvent);
    expect(error).toMatchObject({ stream: STREAM, revision: 7n });
    expect((error as Error).message).toContain(`Event 7 of stream ${STREAM}`);
    return (error as UndecodableEvent).problems;
  }
  throw new Error('decoded, but should not have');
}

describe('decodeCustomerEvent', () => {
  it('covers every type of the catalogue in these examples', () => {
    expect(new Set(ONE_OF_EACH.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  });

  it.each(ONE_OF_EACH.map((e) => [e.type, e] as const))('decodes a valid %s to the event and its metadata', (_type, event) => {
    const decoded = decodeCustomerEvent(stored(event.type, event.data));
    expect(decoded.event).toStrictEqual(event);
    expect(decoded.metadata).toBe(METADATA);
  });

  it('reads metadata without a schemaVersion (stored before versioning) as version 1', () => {
    const { schemaVersion: _, ...unversioned } = METADATA;
    expect(decodeCustomerEvent(stored('CustomerRenamed', { previousName: 'a', companyName: 'b' }, unversioned)).metadata).toStrictEqual(METADATA);
  });

  it('rejects a type outside the catalogue', () => {
    expect(problemsOf(stored('CustomerNoteAdded', { note: 'hi' }))).toEqual(['type "CustomerNoteAdded" is not in the event catalogue']);
  });

  it.each([null, 'Contoso', 42, ['a']])('rejects data that is not an object: %p', (data) => {
    expect(problemsOf(stored('CustomerRenamed', data))).toEqual(['data must be an object']);
  });

  it.each(['commandId', 'correlationId', 'causationId', 'actor', 'occurredAt'])('rejects metadata without %s', (field) => {
    const { [field as keyof EventMetadata]: _, ...missing } = METADATA;
    expect(problemsOf(stored('CostManagementEnabled', {}, missing))).toEqual([`metadata.${field} must be ${field === 'actor' ? 'an object' : field === 'occurredAt' ? 'an ISO-8601 instant' : 'a string'}`]);
  });

  it('keeps the trace context a traced command stored, and names one of the wrong type', () => {
    const traced = { ...METADATA, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' };
    expect(decodeCustomerEvent(stored('CostManagementEnabled', {}, traced)).metadata).toBe(traced);
    expect(problemsOf(stored('CostManagementEnabled', {}, { ...METADATA, traceparent: 42 }))).toEqual(['metadata.traceparent must be a string']);
  });

  it('rejects metadata fields of the wrong primitive type, naming each', () => {
    const metadata = { ...METADATA, actor: { sub: 1, partnerId: 'contoso', roles: ['admin-agent', 2] }, occurredAt: 'yesterday', schemaVersion: '2' };
    expect(problemsOf(stored('CostManagementEnabled', {}, metadata))).toEqual([
      'metadata.actor.sub must be a string',
      'metadata.actor.roles[1] must be a string',
      'metadata.occurredAt must be an ISO-8601 instant',
      'metadata.schemaVersion must be a positive integer',
    ]);
    expect(problemsOf({ ...stored('CostManagementEnabled', {}), metadata: undefined })).toEqual(['metadata must be an object']);
  });

  it('rejects data missing the fields its type requires, or with fields of the wrong kind', () => {
    expect(problemsOf(stored('CustomerRenamed', { companyName: 'b' }))).toEqual(['data.previousName must be a string']);
    expect(problemsOf(stored('SelfPurchaseGranted', { resources: ['Bitcoin'] }))).toEqual([
      'data.resources[0] must be one of AzureReservedInstances, AzureSavingsPlan',
    ]);
    // An old (v1, flat) billing profile that was not upcast.
    const { contact, ...flat } = DETAILS;
    expect(problemsOf(stored('BillingProfileUpdated', { ...flat, ...contact }))).toEqual(['data.contact must be an object']);
    expect(
      problemsOf(stored('CustomerRelationshipEstablished', { tenantId: TENANT, partnerId: 'contoso', companyName: 'Contoso', billingProfile: { ...DETAILS, culture: 1 } })),
    ).toEqual(['data.domain must be a string', 'data.billingProfile.culture must be a string']);
  });
});
