import { Actor } from './actor';
import { BillingDetails, readBillingDetails } from './billing-profile';
import { RULES } from './field-rules';
import { ValidationError } from './errors';
import { FieldReader } from './fields';
import { SELF_PURCHASE_RESOURCES, SelfPurchaseResource, orderedResources } from './self-purchase';
import { customerIdOf } from './customer-stream';

/** Ids and time arrive with the command, so the domain never makes ids or reads a clock. */
export interface CommandMetadata {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly occurredAt: string;
  readonly actor: Actor;
}

type Command<T extends string, D> = { readonly type: T; readonly data: D; readonly metadata: CommandMetadata };
type Target = { readonly tenantId: string };

export type EstablishCustomerRelationship = Command<
  'EstablishCustomerRelationship',
  Target & { readonly companyName: string; readonly domain: string; readonly billingProfile?: BillingDetails }
>;
export type RenameCustomer = Command<'RenameCustomer', Target & { readonly companyName: string }>;
export type UpdateBillingProfile = Command<
  'UpdateBillingProfile',
  Target & { readonly companyName: string; readonly billingProfile: BillingDetails }
>;
export type GrantSelfPurchase = Command<'GrantSelfPurchase', Target & { readonly resources: readonly SelfPurchaseResource[] }>;
export type RevokeSelfPurchase = Command<'RevokeSelfPurchase', Target & { readonly resources: readonly SelfPurchaseResource[] }>;
export type EnableCostManagement = Command<'EnableCostManagement', Target>;
export type DisableCostManagement = Command<'DisableCostManagement', Target>;
export type ErasePersonalData = Command<'ErasePersonalData', Target & { readonly reason: string }>;

export type CustomerCommand =
  | EstablishCustomerRelationship
  | RenameCustomer
  | UpdateBillingProfile
  | GrantSelfPurchase
  | RevokeSelfPurchase
  | EnableCostManagement
  | DisableCostManagement
  | ErasePersonalData;

// A DNS name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters.
/**
 * Command constructors read untrusted input and either return a normalized, valid command or throw
 * a ValidationError listing every bad field; `decide` then only judges commands against state.
 */
export const commands = {
  establishCustomerRelationship(input: unknown, metadata: CommandMetadata): EstablishCustomerRelationship {
    return read(input, (body, fields) => {
      const tenantId = fields.text(body, 'tenantId', RULES.tenantId);
      const companyName = fields.text(body, 'companyName', RULES.companyName);
      const domain = fields.text(body, 'domain', RULES.domain).toLowerCase();
      const rawProfile = fields.object(body, 'billingProfile');
      let billingProfile: BillingDetails | undefined;
      if (rawProfile) {
        const profileFields = fields.nested('billingProfile');
        if (rawProfile.companyName !== undefined)
          profileFields.fail('companyName', 'is set by the top-level companyName when the relationship is established');
        billingProfile = readBillingDetails(rawProfile, profileFields);
        fields.absorb(profileFields);
      }
      const data = { tenantId: customerIdOf(tenantId) ?? tenantId, companyName, domain };
      return { type: 'EstablishCustomerRelationship', data: billingProfile ? { ...data, billingProfile } : data, metadata };
    });
  },

  renameCustomer(tenantId: string, input: unknown, metadata: CommandMetadata): RenameCustomer {
    return read(input, (body, fields) => ({
      type: 'RenameCustomer',
      data: { tenantId: target(tenantId, fields), companyName: fields.text(body, 'companyName', RULES.companyName) },
      metadata,
    }));
  },

  updateBillingProfile(tenantId: string, input: unknown, metadata: CommandMetadata): UpdateBillingProfile {
    return read(input, (body, fields) => ({
      type: 'UpdateBillingProfile',
      data: {
        tenantId: target(tenantId, fields),
        companyName: fields.text(body, 'companyName', RULES.companyName),
        billingProfile: readBillingDetails(body, fields),
      },
      metadata,
    }));
  },

  grantSelfPurchase(tenantId: string, input: unknown, metadata: CommandMetadata): GrantSelfPurchase {
    return read(input, (body, fields) => ({
      type: 'GrantSelfPurchase',
      data: { tenantId: target(tenantId, fields), resources: readResources(body, fields) },
      metadata,
    }));
  },

  revokeSelfPurchase(tenantId: string, input: unknown, metadata: CommandMetadata): RevokeSelfPurchase {
    return read(input, (body, fields) => ({
      type: 'RevokeSelfPurchase',
      data: { tenantId: target(tenantId, fields), resources: readResources(body, fields) },
      metadata,
    }));
  },

  enableCostManagement(tenantId: string, input: unknown, metadata: CommandMetadata): EnableCostManagement {
    return read(input, (_body, fields) => ({ type: 'EnableCostManagement', data: { tenantId: target(tenantId, fields) }, metadata }));
  },

  disableCostManagement(tenantId: string, input: unknown, metadata: CommandMetadata): DisableCostManagement {
    return read(input, (_body, fields) => ({ type: 'DisableCostManagement', data: { tenantId: target(tenantId, fields) }, metadata }));
  },

  erasePersonalData(tenantId: string, input: unknown, metadata: CommandMetadata): ErasePersonalData {
    return read(input, (body, fields) => ({
      type: 'ErasePersonalData',
      data: { tenantId: target(tenantId, fields), reason: fields.text(body, 'reason', RULES.reason) },
      metadata,
    }));
  },
};

function read<C>(input: unknown, build: (body: Record<string, unknown>, fields: FieldReader) => C): C {
  const body = input ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  const fields = new FieldReader();
  fields.expect(body as Record<string, unknown>);
  const command = build(body as Record<string, unknown>, fields);
  fields.refuseUnknown();
  if (fields.errors.length > 0) throw new ValidationError(fields.errors);
  return command;
}

/** The customer id in a path is the tenant id; ids differing only in case name the same tenant. */
function target(tenantId: string, fields: FieldReader): string {
  const id = customerIdOf(tenantId);
  if (id === null) fields.fail('id', 'must be a customer tenant id (UUID)');
  return id ?? tenantId;
}

// Absent means every resource, so "grant" and "revoke" with no body act on the whole catalogue.
function readResources(body: Record<string, unknown>, fields: FieldReader): SelfPurchaseResource[] {
  fields.expect(body, 'resources');
  const raw = body.resources;
  if (raw === undefined || raw === null) return [...SELF_PURCHASE_RESOURCES];
  if (!Array.isArray(raw) || raw.length === 0) {
    fields.fail('resources', `must be a non-empty array of: ${SELF_PURCHASE_RESOURCES.join(', ')}`);
    return [];
  }
  const unknown = raw.filter((r) => !(SELF_PURCHASE_RESOURCES as readonly unknown[]).includes(r));
  if (unknown.length > 0) fields.fail('resources', `must contain only: ${SELF_PURCHASE_RESOURCES.join(', ')}`);
  return orderedResources(raw as SelfPurchaseResource[]);
}
