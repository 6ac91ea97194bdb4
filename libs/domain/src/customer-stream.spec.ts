import { CUSTOMER_STREAM_PREFIX, customerStream, parseCustomerStream } from './customer-stream';

const TENANT = '0f8fad5b-d9cb-469f-a165-70867728950e';
const OTHER_TENANT = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('customerStream', () => {
  test('names the stream by category, partner and tenant', () => {
    expect(CUSTOMER_STREAM_PREFIX).toBe('customer-');
    expect(customerStream('partner1', TENANT)).toBe(`customer-partner1-${TENANT}`);
  });

  test('gives two partners of the same tenant different streams', () => {
    expect(customerStream('partner1', TENANT)).not.toBe(customerStream('partner2', TENANT));
  });
});

describe('parseCustomerStream', () => {
  test.each([
    ['a plain partner id', 'partner1', TENANT],
    ['a partner id containing dashes', 'contoso-partner-eu-1', TENANT],
    ['a one-character partner id', 'p', TENANT],
    ['a partner id that ends with a UUID', `acme-${OTHER_TENANT}`, TENANT],
    ['a partner id that is itself a UUID', OTHER_TENANT, TENANT],
    ['an uppercase tenant id', 'partner1', TENANT.toUpperCase()],
  ])('round-trips %s', (_what, partnerId, tenantId) => {
    expect(parseCustomerStream(customerStream(partnerId, tenantId))).toStrictEqual({ partnerId, tenantId });
  });

  test.each([
    ['empty', ''],
    ['only the prefix', 'customer-'],
    ['no tenant id', 'customer-partner1'],
    ['no partner id', `customer-${TENANT}`],
    ['an empty partner id', `customer--${TENANT}`],
    ['another category', `order-partner1-${TENANT}`],
    ['the prefix in another case', `Customer-partner1-${TENANT}`],
    ['no dash before the tenant id', `customer-partner1${TENANT}`],
    ['another separator before the tenant id', `customer-partner1_${TENANT}`],
    ['a tenant id that is not a UUID', 'customer-partner1-zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'],
    ['a truncated tenant id', `customer-partner1-${TENANT.slice(0, -1)}`],
    ['trailing characters', `customer-partner1-${TENANT}x`],
    ['the tenant id first', `customer-${TENANT}-partner1`],
  ])('refuses %s', (_what, stream) => {
    expect(parseCustomerStream(stream)).toBeNull();
  });
});
