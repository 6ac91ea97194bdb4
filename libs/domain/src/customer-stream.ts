/** A Microsoft Entra tenant id: a UUID, in any case. */
export const TENANT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Streams of this category hold customer relationships; the read side subscribes by this prefix. */
export const CUSTOMER_STREAM_PREFIX = 'customer-';

/**
 * A customer id as a URL or a query names it (the tenant id, in any case) in the one form streams
 * and views store, or null when it cannot name a customer.
 */
export function customerIdOf(id: string): string | null {
  return TENANT_ID.test(id) ? id.toLowerCase() : null;
}

/** One stream per relationship: a tenant may be the customer of several partners. */
export function customerStream(partnerId: string, tenantId: string): string {
  return `${CUSTOMER_STREAM_PREFIX}${partnerId}-${tenantId}`;
}

/**
 * The inverse of `customerStream`. The tenant id is a fixed-length UUID at the end, so a partner id
 * that itself contains dashes cannot be confused with another partner's.
 */
export function parseCustomerStream(stream: string): { partnerId: string; tenantId: string } | null {
  if (!stream.startsWith(CUSTOMER_STREAM_PREFIX)) return null;
  const tenantId = stream.slice(-36);
  const partnerId = stream.slice(CUSTOMER_STREAM_PREFIX.length, -37);
  if (!TENANT_ID.test(tenantId) || stream.at(-37) !== '-' || partnerId === '') return null;
  return { partnerId, tenantId };
}
