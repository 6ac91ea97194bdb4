import { BillingDetails, StoredContact } from './billing-profile';
import { SelfPurchaseResource } from './self-purchase';

/** Stored event type names: explicit strings, never derived from class names. */
export const EVENT_TYPES = [
  'CustomerRelationshipEstablished',
  'CustomerRenamed',
  'BillingProfileUpdated',
  'SelfPurchaseGranted',
  'SelfPurchaseRevoked',
  'CostManagementEnabled',
  'CostManagementDisabled',
  'PersonalDataErased',
] as const;
export type CustomerEventType = (typeof EVENT_TYPES)[number];

type Event<T extends CustomerEventType, D> = { readonly type: T; readonly data: D };

export type CustomerRelationshipEstablished = Event<
  'CustomerRelationshipEstablished',
  {
    readonly tenantId: string;
    readonly partnerId: string;
    /** The customer tenant's own name when the relationship began; fixed from then on. */
    readonly companyName: string;
    readonly domain: string;
    readonly billingProfile?: BillingDetails<StoredContact>;
  }
>;
export type CustomerRenamed = Event<'CustomerRenamed', { readonly previousName: string; readonly companyName: string }>;
export type BillingProfileUpdated = Event<'BillingProfileUpdated', BillingDetails<StoredContact>>;
export type SelfPurchaseGranted = Event<'SelfPurchaseGranted', { readonly resources: readonly SelfPurchaseResource[] }>;
export type SelfPurchaseRevoked = Event<'SelfPurchaseRevoked', { readonly resources: readonly SelfPurchaseResource[] }>;
export type CostManagementEnabled = Event<'CostManagementEnabled', Record<string, never>>;
export type CostManagementDisabled = Event<'CostManagementDisabled', Record<string, never>>;
/**
 * The billing contact's personal data was erased (its data key deleted): every earlier contact of
 * the relationship now reads as erased. `reason` is the operator's, for auditors: never personal data.
 */
export type PersonalDataErased = Event<'PersonalDataErased', { readonly reason: string }>;

export type CustomerEvent =
  | CustomerRelationshipEstablished
  | CustomerRenamed
  | BillingProfileUpdated
  | SelfPurchaseGranted
  | SelfPurchaseRevoked
  | CostManagementEnabled
  | CostManagementDisabled
  | PersonalDataErased;

export function isCustomerEvent(event: { type: string }): event is CustomerEvent {
  return (EVENT_TYPES as readonly string[]).includes(event.type);
}

/** Who, when and why, stored with every event for auditors. */
export interface EventMetadata {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly actor: { readonly sub: string; readonly partnerId: string; readonly roles: readonly string[] };
  readonly occurredAt: string;
  readonly schemaVersion: number;
  /** The W3C trace context of the command that wrote it, when traced: its projection joins that trace. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}
