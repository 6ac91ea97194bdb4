import { TENANT_ID } from './customer-stream';

/**
 * What a text field of a command may hold, measured after trimming and NFC normalization. The
 * command constructors enforce these; the HTTP edge documents the same values in its OpenAPI
 * schemas, so the contract and the checks cannot drift. Patterns carry no flags, so their source
 * reads the same in any regular-expression dialect a client may use.
 */
export interface TextRule {
  readonly min: number;
  readonly max: number;
  readonly pattern?: RegExp;
  readonly patternMessage?: string;
}

export const RULES = {
  tenantId: { min: 1, max: 64, pattern: TENANT_ID, patternMessage: 'must be a UUID' },
  companyName: { min: 1, max: 255 },
  // A DNS name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters.
  domain: {
    min: 3,
    max: 253,
    pattern: /^(?=.{3,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/,
    patternMessage: 'must be a domain name such as contoso.onmicrosoft.com',
  },
  personName: { min: 1, max: 50 },
  email: { min: 3, max: 254, pattern: /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/, patternMessage: 'must be an email address' },
  // E.164-like: an optional +, then 7 to 15 digits that may be grouped by spaces, dots, dashes or brackets.
  phoneNumber: {
    min: 7,
    max: 30,
    pattern: /^\+?(?=(?:[ .()-]*\d){7,15}[ .()-]*$)[\d .()-]+$/,
    patternMessage: 'must be a phone number such as +1 425 555 0100',
  },
  culture: { min: 2, max: 20, pattern: /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, patternMessage: 'must be a culture such as en-US' },
  language: { min: 2, max: 3, pattern: /^[a-zA-Z]{2,3}$/, patternMessage: 'must be a language code such as en' },
  addressLine: { min: 1, max: 200 },
  place: { min: 1, max: 100 },
  postalCode: { min: 1, max: 20 },
  // ISO 3166-1 alpha-2, in either case; the code itself is checked against the assigned ones.
  // Why personal data was erased, for auditors (a ticket or request reference, never the data itself).
  reason: { min: 1, max: 500 },
  country: { min: 2, max: 2, pattern: /^[a-zA-Z]{2}$/, patternMessage: 'must be an ISO 3166-1 alpha-2 country code' },
} satisfies Record<string, TextRule>;
