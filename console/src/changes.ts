/**
 * Field-level changes of a customer's history: the events are folded, in order, into a flat map of
 * fields, and each event is shown as the fields it changed, before → after. Pure, so the fold
 * can be checked without a browser (changes.spec.ts).
 */

export interface HistoryEvent {
  readonly revision: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export type Value = string | null | undefined;

export interface FieldChange {
  readonly field: string;
  readonly before: Value;
  readonly after: Value;
}

type Fields = Record<string, Value>;

const RESOURCES = ['AzureReservedInstances', 'AzureSavingsPlan'];
const ADDRESS_PARTS = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'state', 'postalCode', 'country'];

/** For each event, in the order given (from revision 0), what it changed. */
export function fieldChanges(events: readonly HistoryEvent[]): FieldChange[][] {
  let fields: Fields = {};
  return events.map((event) => {
    const next = { ...fields, ...fieldsOf(event, fields) };
    for (const key of removedBy(event, fields)) delete next[key];
    const changed = [...new Set([...Object.keys(fields), ...Object.keys(next)])]
      // Erasing a field that never held anything changes nothing an auditor needs to see.
      .filter((field) => fields[field] !== next[field] && !(fields[field] === undefined && next[field] === null))
      .map((field) => ({ field, before: fields[field], after: next[field] }));
    fields = next;
    return changed;
  });
}

function fieldsOf(event: HistoryEvent, current: Fields): Fields {
  const data = event.data;
  switch (event.type) {
    case 'CustomerRelationshipEstablished':
      return {
        'company.companyName': text(data.companyName),
        'company.domain': text(data.domain),
        'company.tenantId': text(data.tenantId),
        'billing.companyName': text(data.companyName),
        'selfPurchase.AzureReservedInstances': 'not allowed',
        'selfPurchase.AzureSavingsPlan': 'not allowed',
        'costManagement.enabled': 'disabled',
        ...(isObject(data.billingProfile) ? billingFields(data.billingProfile) : {}),
      };
    case 'CustomerRenamed':
      return { 'billing.companyName': text(data.companyName) };
    case 'BillingProfileUpdated':
      return billingFields(data);
    case 'SelfPurchaseGranted':
    case 'SelfPurchaseRevoked': {
      const state = event.type === 'SelfPurchaseGranted' ? 'allowed' : 'not allowed';
      const resources = Array.isArray(data.resources) && data.resources.length > 0 ? data.resources : RESOURCES;
      return Object.fromEntries(resources.map((r) => [`selfPurchase.${String(r)}`, state]));
    }
    case 'CostManagementEnabled':
      return { 'costManagement.enabled': 'enabled' };
    case 'CostManagementDisabled':
      return { 'costManagement.enabled': 'disabled' };
    default:
      return current;
  }
}

/** A billing profile replaces the whole profile: optional fields it leaves out are gone. */
function removedBy(event: HistoryEvent, current: Fields): string[] {
  if (event.type !== 'BillingProfileUpdated') return [];
  const given = billingFields(event.data);
  return Object.keys(current).filter((key) => key.startsWith('billing.') && key !== 'billing.companyName' && !(key in given));
}

function billingFields(details: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const key of ['culture', 'language']) if (key in details) out[`billing.${key}`] = text(details[key]);
  const contact = details.contact;
  // An erased contact (personal data shredded) reads as null: every contact field shows as erased.
  if (contact === null) {
    for (const key of ['firstName', 'lastName', 'email', 'phoneNumber']) out[`billing.${key}`] = null;
    for (const part of ADDRESS_PARTS) out[`billing.defaultAddress.${part}`] = null;
  } else if (isObject(contact)) {
    for (const [key, value] of Object.entries(contact)) {
      if (key === 'defaultAddress' && isObject(value)) {
        for (const [part, line] of Object.entries(value)) out[`billing.defaultAddress.${part}`] = text(line);
      } else {
        out[`billing.${key}`] = text(value);
      }
    }
  }
  return out;
}

function text(value: unknown): Value {
  if (value === null) return null;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
