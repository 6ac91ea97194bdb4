import { BillingDetails, readBillingDetails } from './billing-profile';
import { evolve, initialState } from './customer-account';
import { CustomerEvent, EVENT_TYPES } from './events';
import { FieldReader } from './fields';
import { BillingDetailsV1, CUSTOMER_UPCASTERS, SCHEMA_VERSIONS } from './schema-versions';
import { ADDRESS as BASE_ADDRESS, billingDetails, billingInput } from './testing';

function upcasterOf(type: string, fromVersion: number) {
  const found = CUSTOMER_UPCASTERS.filter((u) => u.type === type && u.fromVersion === fromVersion);
  expect(found).toHaveLength(1);
  return found[0];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

// Building 92 too, so the upcast is seen to carry every address line.
const ADDRESS = { ...BASE_ADDRESS, addressLine2: 'Building 92' };

/** Billing details as version 1 stored them: flat, as the HTTP body is. */
function v1Details(overrides: Partial<BillingDetailsV1> = {}): BillingDetailsV1 {
  return billingInput({ defaultAddress: ADDRESS, ...overrides }) as BillingDetailsV1;
}

/** The same details as version 2 stores them: the contact's personal data under `contact`. */
const V2_DETAILS: BillingDetails = billingDetails({ defaultAddress: ADDRESS });

const { phoneNumber: _phone, ...V2_CONTACT_WITHOUT_PHONE } = V2_DETAILS.contact;
const V2_DETAILS_WITHOUT_PHONE: BillingDetails = { ...V2_DETAILS, contact: V2_CONTACT_WITHOUT_PHONE };

function v1WithoutPhone(): BillingDetailsV1 {
  const { phoneNumber: _, ...rest } = v1Details();
  return rest;
}

const TENANT = '5f1c2b9e-7a4d-4c1e-9b3a-2d6e8f0a1b2c';

describe('schema versions', () => {
  it('SCHEMA_VERSIONS names every event type, and nothing else, with a positive integer version', () => {
    expect(Object.keys(SCHEMA_VERSIONS).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      expect(Number.isInteger(SCHEMA_VERSIONS[type])).toBe(true);
      expect(SCHEMA_VERSIONS[type]).toBeGreaterThanOrEqual(1);
    }
  });

  it('has exactly one upcaster from every old version of every type up to the current one, and none beyond', () => {
    const expected = EVENT_TYPES.flatMap((type) => Array.from({ length: SCHEMA_VERSIONS[type] - 1 }, (_, i) => `${type}@${i + 1}`)).sort();
    expect(CUSTOMER_UPCASTERS.map((u) => `${u.type}@${u.fromVersion}`).sort()).toEqual(expected);
  });

  it('every schema change is covered by a test below', () => {
    // When an upcaster is added, add its test below and its key here.
    const tested = ['BillingProfileUpdated@1', 'BillingProfileUpdated@2', 'CustomerRelationshipEstablished@1', 'CustomerRelationshipEstablished@2'];
    expect(CUSTOMER_UPCASTERS.map((u) => `${u.type}@${u.fromVersion}`).sort()).toEqual(tested);
  });

  describe('BillingProfileUpdated v1 → v2: the contact nests under `contact`', () => {
    const { upcast } = upcasterOf('BillingProfileUpdated', 1);

    it('with a phone number', () => {
      expect(upcast(deepFreeze(v1Details()))).toStrictEqual(V2_DETAILS);
    });

    it('without the optional phone number: the key stays absent, not undefined', () => {
      const v2 = upcast(deepFreeze(v1WithoutPhone())) as BillingDetails;
      expect(v2).toStrictEqual(V2_DETAILS_WITHOUT_PHONE);
      expect(Object.keys(v2.contact)).not.toContain('phoneNumber');
    });

    it('keeps an address without its optional lines as it was', () => {
      const address = { addressLine1: '1 Rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' };
      const v2 = upcast(deepFreeze(v1Details({ defaultAddress: address, culture: 'fr-FR', language: 'fr' })));
      expect(v2).toStrictEqual({ ...V2_DETAILS, culture: 'fr-FR', language: 'fr', contact: { ...V2_DETAILS.contact, defaultAddress: address } });
    });

    it('gives the same details the HTTP edge writes today for the same flat input', () => {
      const { phoneNumber: _, ...v1NoPhone } = v1Details();
      for (const flat of [v1Details(), v1NoPhone]) {
        const fields = new FieldReader();
        const today = readBillingDetails({ ...flat }, fields);
        expect(fields.errors).toEqual([]);
        expect(upcast(flat)).toStrictEqual(today);
      }
    });

    it('the upcast event folds into the state a v2 event gives', () => {
      const established = { type: 'CustomerRelationshipEstablished', data: { tenantId: TENANT, partnerId: 'p', companyName: 'C', domain: 'c.example.com' } } as CustomerEvent;
      const state = evolve(evolve(initialState, established), { type: 'BillingProfileUpdated', data: upcast(v1Details()) } as CustomerEvent);
      expect(state).toMatchObject({ exists: true, billing: V2_DETAILS });
    });
  });

  describe('CustomerRelationshipEstablished v1 → v2: a billing profile given at establishment nests its contact', () => {
    const { upcast } = upcasterOf('CustomerRelationshipEstablished', 1);
    const base = { tenantId: TENANT, partnerId: 'partner-a', companyName: 'Contoso Ltd', domain: 'contoso.onmicrosoft.com' };

    it('with a billing profile with a phone number', () => {
      expect(upcast(deepFreeze({ ...base, billingProfile: v1Details() }))).toStrictEqual({ ...base, billingProfile: V2_DETAILS });
    });

    it('with a billing profile without the optional phone number', () => {
      expect(upcast(deepFreeze({ ...base, billingProfile: v1WithoutPhone() }))).toStrictEqual({ ...base, billingProfile: V2_DETAILS_WITHOUT_PHONE });
    });

    it('without a billing profile: the data stays as it was', () => {
      expect(upcast(deepFreeze({ ...base }))).toStrictEqual(base);
    });

    it('the upcast event folds into the state a v2 event gives', () => {
      const state = evolve(initialState, { type: 'CustomerRelationshipEstablished', data: upcast({ ...base, billingProfile: v1Details() }) } as CustomerEvent);
      expect(state).toMatchObject({ exists: true, partnerId: 'partner-a', tenantId: TENANT, friendlyName: 'Contoso Ltd', billing: V2_DETAILS });
    });
  });

  describe('v2 → v3 of BillingProfileUpdated and CustomerRelationshipEstablished: a contact may be sealed', () => {
    // A version-2 contact is always plain, which version 3 allows as it is: only the version moves.
    it.each(['BillingProfileUpdated', 'CustomerRelationshipEstablished'])('%s keeps its data as it is', (type) => {
      const data = type === 'BillingProfileUpdated' ? V2_DETAILS : { tenantId: TENANT, partnerId: 'p', companyName: 'C', domain: 'c.example.com', billingProfile: V2_DETAILS };
      expect(upcasterOf(type, 2).upcast(deepFreeze(structuredClone(data)))).toStrictEqual(data);
    });
  });
});
