import { billingDetails } from '@app/domain/testing';
import { randomUUID } from 'node:crypto';
import { BillingDetails, CustomerEvent, customerStream, EventMetadata, SelfPurchaseResource } from '@app/domain';
import { NewEvent, Position, positionKey, RecordedEvent } from '@app/event-store/core';
import { ProjectedEvent } from '../views';

/** Test data for the read side: events as the domain emits them and as the projections receive them. */

export const TENANT = '6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7';
export const PARTNER = 'partner-contoso-csp';

export function metadata(who: { sub?: string; at?: string; partnerId?: string } = {}): EventMetadata {
  const commandId = randomUUID();
  return {
    commandId,
    correlationId: commandId,
    causationId: commandId,
    actor: { sub: who.sub ?? 'agent-ada@partner.example', partnerId: who.partnerId ?? PARTNER, roles: ['admin-agent'] },
    occurredAt: who.at ?? '2025-03-01T09:30:00.000Z',
    schemaVersion: 1,
  };
}

/** The `positionKey` of a position whose commit and prepare are both `n`. */
export const at = (n: number | bigint): string => positionKey(position(n));
export const position = (n: number | bigint): Position => ({ commit: BigInt(n), prepare: BigInt(n) });

export function projected(
  event: CustomerEvent,
  where: { revision: number; position: number | bigint; partnerId?: string; tenantId?: string; metadata?: EventMetadata },
): ProjectedEvent {
  return {
    event,
    partnerId: where.partnerId ?? PARTNER,
    tenantId: where.tenantId ?? TENANT,
    revision: where.revision,
    position: at(where.position),
    eventId: randomUUID(),
    metadata: where.metadata ?? metadata(),
  };
}

/** A stored event as a subscription delivers it; `stream` defaults to the relationship's stream. */
export function recorded(
  event: { type: string; data: unknown },
  where: { revision: number; position: number | bigint; stream?: string; metadata?: unknown },
): RecordedEvent {
  return {
    id: randomUUID(),
    stream: where.stream ?? customerStream(PARTNER, TENANT),
    type: event.type,
    revision: BigInt(where.revision),
    position: position(where.position),
    data: event.data,
    metadata: where.metadata ?? metadata(),
    created: new Date('2025-03-01T09:30:00.100Z'),
  };
}

/** An event to append, with its metadata, as the command executor writes it. */
export function toAppend(event: { type: string; data: unknown }, meta: unknown = metadata()): NewEvent {
  return { id: randomUUID(), type: event.type, data: event.data, metadata: meta };
}

export { billingDetails };

export const events = {
  established: (
    data: { tenantId?: string; partnerId?: string; companyName?: string; domain?: string; billingProfile?: BillingDetails } = {},
  ): CustomerEvent => ({
    type: 'CustomerRelationshipEstablished',
    data: {
      tenantId: data.tenantId ?? TENANT,
      partnerId: data.partnerId ?? PARTNER,
      companyName: data.companyName ?? 'Contoso Ltd',
      domain: data.domain ?? 'contoso.onmicrosoft.com',
      ...(data.billingProfile ? { billingProfile: data.billingProfile } : {}),
    },
  }),
  renamed: (previousName: string, companyName: string): CustomerEvent => ({
    type: 'CustomerRenamed',
    data: { previousName, companyName },
  }),
  billingUpdated: (details: BillingDetails = billingDetails()): CustomerEvent => ({ type: 'BillingProfileUpdated', data: details }),
  selfPurchaseGranted: (...resources: SelfPurchaseResource[]): CustomerEvent => ({ type: 'SelfPurchaseGranted', data: { resources } }),
  selfPurchaseRevoked: (...resources: SelfPurchaseResource[]): CustomerEvent => ({ type: 'SelfPurchaseRevoked', data: { resources } }),
  costManagementEnabled: (): CustomerEvent => ({ type: 'CostManagementEnabled', data: {} }),
  costManagementDisabled: (): CustomerEvent => ({ type: 'CostManagementDisabled', data: {} }),
};
