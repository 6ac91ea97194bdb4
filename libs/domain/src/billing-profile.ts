import { COUNTRY_CODES } from './countries';
import { FieldReader } from './fields';
import { canonicalJson } from './canonical-json';
import { RULES } from './field-rules';

export interface PostalAddress {
  readonly addressLine1: string;
  readonly addressLine2?: string;
  readonly addressLine3?: string;
  readonly city: string;
  readonly state?: string;
  readonly postalCode: string;
  readonly country: string;
}

/**
 * The billing contact's personal data, kept together in one sub-object of every event that carries
 * it so it can later be encrypted per customer and erased by deleting the key.
 */
export interface BillingContact {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phoneNumber?: string;
  readonly defaultAddress: PostalAddress;
}

/** The billing profile apart from the company name, which is the customer's friendly name. */
export interface BillingDetails {
  readonly culture: string;
  readonly language: string;
  readonly contact: BillingContact;
}

/** Reads a billing profile's details (everything but the company name) from untrusted input. */
export function readBillingDetails(input: Record<string, unknown>, fields: FieldReader): BillingDetails {
  const contact = {
    firstName: fields.text(input, 'firstName', RULES.personName),
    lastName: fields.text(input, 'lastName', RULES.personName),
    email: fields.text(input, 'email', RULES.email),
    phoneNumber: fields.optionalText(input, 'phoneNumber', RULES.phoneNumber),
    defaultAddress: readAddress(input, fields),
  };
  return {
    culture: fields.text(input, 'culture', RULES.culture),
    language: fields.text(input, 'language', RULES.language).toLowerCase(),
    contact: withoutAbsent(contact),
  };
}

function readAddress(input: Record<string, unknown>, fields: FieldReader): PostalAddress {
  const raw = fields.object(input, 'defaultAddress');
  if (!raw) {
    if (input.defaultAddress === undefined || input.defaultAddress === null) fields.fail('defaultAddress', 'is required');
    return { addressLine1: '', city: '', postalCode: '', country: '' };
  }
  const address = fields.nested('defaultAddress');
  const result = withoutAbsent({
    addressLine1: address.text(raw, 'addressLine1', RULES.addressLine),
    addressLine2: address.optionalText(raw, 'addressLine2', RULES.addressLine),
    addressLine3: address.optionalText(raw, 'addressLine3', RULES.addressLine),
    city: address.text(raw, 'city', RULES.place),
    state: address.optionalText(raw, 'state', RULES.place),
    postalCode: address.text(raw, 'postalCode', RULES.postalCode),
    country: address.text(raw, 'country', RULES.country).toUpperCase(),
  });
  if (result.country && !COUNTRY_CODES.has(result.country)) address.fail('country', 'must be an ISO 3166-1 alpha-2 country code');
  fields.absorb(address);
  return result;
}

/** Optional fields are left out rather than set to undefined, so equal profiles compare equal. */
function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function sameBillingDetails(a: BillingDetails | null, b: BillingDetails | null): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
