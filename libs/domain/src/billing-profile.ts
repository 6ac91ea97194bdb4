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

/**
 * The billing profile apart from the company name, which is the customer's friendly name. Commands
 * carry a plain contact; events and state may carry a sealed or erased one (see `StoredContact`).
 */
export interface BillingDetails<C extends StoredContact = BillingContact> {
  readonly culture: string;
  readonly language: string;
  readonly contact: C;
}

/** The address fields that are not personal data: they stay in clear text and survive an erase. */
export type PlainAddress = Omit<PostalAddress, 'addressLine1' | 'addressLine2' | 'addressLine3'>;

/**
 * A contact whose personal fields the service encrypted under the relationship's data key before
 * storing it. `sealed` is opaque here (the domain never sees keys or ciphers); what is not personal
 * stays readable beside it.
 */
export interface SealedContact {
  readonly sealed: string;
  readonly defaultAddress: PlainAddress;
}

/** A contact whose personal data was erased: those fields are null, and the marker says why. */
export interface ErasedContact {
  readonly personalDataErased: true;
  readonly firstName: null;
  readonly lastName: null;
  readonly email: null;
  readonly phoneNumber: null;
  readonly defaultAddress: PlainAddress & { readonly addressLine1: null; readonly addressLine2: null; readonly addressLine3: null };
}

/** A contact as events and state hold it: in clear text, sealed for storage, or erased. */
export type StoredContact = BillingContact | SealedContact | ErasedContact;

export const isSealedContact = (contact: StoredContact): contact is SealedContact => 'sealed' in contact;
export const isErasedContact = (contact: StoredContact): contact is ErasedContact => 'personalDataErased' in contact;

/** The personal fields of a contact, as sealed together; the rest of the address stays plain. */
export type PersonalFields = Omit<BillingContact, 'defaultAddress'> & Pick<PostalAddress, 'addressLine1' | 'addressLine2' | 'addressLine3'>;

/** Splits a plain contact into its personal fields and what may stay in clear text. */
export function splitContact({ defaultAddress, ...person }: BillingContact): { personal: PersonalFields; plainAddress: PlainAddress } {
  const { addressLine1, addressLine2, addressLine3, ...plainAddress } = defaultAddress;
  return { personal: withoutAbsent({ ...person, addressLine1, addressLine2, addressLine3 }), plainAddress };
}

/** The inverse of `splitContact`. */
export function joinContact(personal: PersonalFields, plainAddress: PlainAddress): BillingContact {
  const { addressLine1, addressLine2, addressLine3, ...person } = personal;
  return withoutAbsent({ ...person, defaultAddress: withoutAbsent({ addressLine1, addressLine2, addressLine3, ...plainAddress }) });
}

/** What remains of any contact once its personal data is erased: the plain address and the marker. */
export function erasedContact(contact: StoredContact): ErasedContact {
  const { addressLine1: _1, addressLine2: _2, addressLine3: _3, ...plainAddress } = contact.defaultAddress as PostalAddress;
  return {
    personalDataErased: true,
    firstName: null,
    lastName: null,
    email: null,
    phoneNumber: null,
    defaultAddress: { addressLine1: null, addressLine2: null, addressLine3: null, ...withoutAbsent(plainAddress) },
  };
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

export function sameBillingDetails(a: BillingDetails<StoredContact> | null, b: BillingDetails<StoredContact> | null): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
