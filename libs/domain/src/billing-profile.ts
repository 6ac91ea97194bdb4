import { COUNTRY_CODES } from './countries';
import { FieldReader } from './fields';
import { canonicalJson } from './canonical-json';

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

export const COMPANY_NAME = { min: 1, max: 255 };
const PERSON_NAME = { min: 1, max: 50 };
const ADDRESS_LINE = { min: 1, max: 200 };
const PLACE = { min: 1, max: 100 };
const EMAIL = {
  min: 3,
  max: 254,
  pattern: /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/,
  patternMessage: 'must be an email address',
};
// E.164-like: an optional +, then 7 to 15 digits that may be grouped by spaces, dots, dashes or brackets.
const PHONE = {
  min: 7,
  max: 30,
  pattern: /^\+?(?=(?:[ .()-]*\d){7,15}[ .()-]*$)[\d .()-]+$/,
  patternMessage: 'must be a phone number such as +1 425 555 0100',
};
const CULTURE = { min: 2, max: 20, pattern: /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, patternMessage: 'must be a culture such as en-US' };
const LANGUAGE = { min: 2, max: 3, pattern: /^[a-z]{2,3}$/i, patternMessage: 'must be a language code such as en' };

/** Reads a billing profile's details (everything but the company name) from untrusted input. */
export function readBillingDetails(input: Record<string, unknown>, fields: FieldReader): BillingDetails {
  const contact = {
    firstName: fields.text(input, 'firstName', PERSON_NAME),
    lastName: fields.text(input, 'lastName', PERSON_NAME),
    email: fields.text(input, 'email', EMAIL),
    phoneNumber: fields.optionalText(input, 'phoneNumber', PHONE),
    defaultAddress: readAddress(input, fields),
  };
  return {
    culture: fields.text(input, 'culture', CULTURE),
    language: fields.text(input, 'language', LANGUAGE).toLowerCase(),
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
    addressLine1: address.text(raw, 'addressLine1', ADDRESS_LINE),
    addressLine2: address.optionalText(raw, 'addressLine2', ADDRESS_LINE),
    addressLine3: address.optionalText(raw, 'addressLine3', ADDRESS_LINE),
    city: address.text(raw, 'city', PLACE),
    state: address.optionalText(raw, 'state', PLACE),
    postalCode: address.text(raw, 'postalCode', { min: 1, max: 20 }),
    country: address.text(raw, 'country', { min: 2, max: 2 }).toUpperCase(),
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
