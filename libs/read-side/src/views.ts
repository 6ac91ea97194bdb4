import { CustomerEvent, EventMetadata, PlainAddress, PostalAddress, SelfPurchaseResource } from '@app/domain';
import type { ViewDefinition } from './view-definition';

/** An event as projections see it: the domain event plus where it stands and who made it. */
export interface ProjectedEvent {
  readonly event: CustomerEvent;
  readonly partnerId: string;
  readonly tenantId: string;
  readonly revision: number;
  /** `positionKey` of the event's global position: compares as a string. */
  readonly position: string;
  /** The stored event's id: names it when it is parked. */
  readonly eventId: string;
  readonly metadata: EventMetadata;
}

/** What every view document carries so its writes can be guarded by position. */
export interface ViewDocument {
  readonly partnerId: string;
  readonly id: string;
  readonly revision: number;
  readonly position: string;
}

export interface CustomerListItem extends ViewDocument {
  readonly companyName: string;
  readonly domain: string;
  readonly selfPurchase: { readonly resources: readonly SelfPurchaseResource[] };
  readonly costManagement: { readonly enabled: boolean };
  readonly updatedAt: string;
}

/**
 * The flat billing section. As stored, the contact's personal fields are either sealed (`sealed`,
 * opened by the reader for the caller), absent, or erased (null, with `personalDataErased`); the
 * address keeps its plain fields.
 */
export type BillingProfileView = { readonly companyName: string } & Partial<{
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phoneNumber: string | null;
  sealed: string;
  personalDataErased: true;
  culture: string;
  language: string;
  defaultAddress: PostalAddress | (PlainAddress & Partial<Record<'addressLine1' | 'addressLine2' | 'addressLine3', string | null>>);
}>;

export interface AccountDetail extends ViewDocument {
  /** The original tenant name, as Partner Center's breadcrumb shows it. */
  readonly breadcrumbName: string;
  readonly companyProfile: { readonly tenantId: string; readonly domain: string; readonly companyName: string };
  readonly billingProfile: BillingProfileView;
  readonly selfPurchase: { readonly resources: readonly SelfPurchaseResource[] };
  readonly costManagement: { readonly enabled: boolean };
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export type ViewName = 'customer-list' | 'account-detail';

/** A projection: a pure fold of one relationship's events into one view document, and how that view is stored. */
export interface Projection<V extends ViewDocument> extends ViewDefinition<V> {
  evolve(view: V | null, event: ProjectedEvent): V | null;
}

/**
 * Applies an event only if it is newer than what the view already reflects, so a redelivered or
 * replayed event changes nothing.
 */
export function newerOnly<V extends ViewDocument>(evolve: (view: V | null, event: ProjectedEvent) => V | null) {
  return (view: V | null, event: ProjectedEvent): V | null =>
    view && view.position >= event.position ? view : evolve(view, event);
}
