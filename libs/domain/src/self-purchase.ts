/** What a customer may buy on its own once the partner allows it. */
export const SELF_PURCHASE_RESOURCES = ['AzureReservedInstances', 'AzureSavingsPlan'] as const;
export type SelfPurchaseResource = (typeof SELF_PURCHASE_RESOURCES)[number];

/** Resources in the catalogue's order, each once: the one shape stored and shown everywhere. */
export function orderedResources(resources: Iterable<SelfPurchaseResource>): SelfPurchaseResource[] {
  const set = new Set(resources);
  return SELF_PURCHASE_RESOURCES.filter((r) => set.has(r));
}
