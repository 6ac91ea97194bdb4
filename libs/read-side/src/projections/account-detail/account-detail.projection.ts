import { assertNever, BillingDetails, erasedContact, StoredContact } from '@app/domain';
import { AccountDetail, BillingProfileView, newerOnly, ProjectedEvent, Projection } from '../../views';
import { entitlementsAfter, NO_ENTITLEMENTS } from '../entitlements';

/**
 * The account page: the original tenant name in company info and the breadcrumb, the friendly name
 * in billing info. Also folds events for the as-of endpoint, so both tell the same story.
 */
export const accountDetailProjection: Projection<AccountDetail> = {
  name: 'account-detail',
  // Read only by key: nothing to derive, no index beyond the key.
  storedAs: 'account_details',
  keys: [],
  indexes: [],
  evolve: newerOnly(evolve),
};

function evolve(view: AccountDetail | null, projected: ProjectedEvent): AccountDetail | null {
  const { event, metadata } = projected;
  const stamp = {
    revision: projected.revision,
    position: projected.position,
    updatedAt: metadata.occurredAt,
    updatedBy: metadata.actor.sub,
  };
  if (event.type === 'CustomerRelationshipEstablished') {
    const { tenantId, domain, companyName, billingProfile } = event.data;
    return {
      partnerId: projected.partnerId,
      id: projected.tenantId,
      breadcrumbName: companyName,
      companyProfile: { tenantId, domain, companyName },
      billingProfile: billingView(companyName, billingProfile),
      ...NO_ENTITLEMENTS,
      ...stamp,
    };
  }
  if (!view) return null;
  switch (event.type) {
    case 'CustomerRenamed':
      return { ...view, ...stamp, billingProfile: { ...view.billingProfile, companyName: event.data.companyName } };
    case 'BillingProfileUpdated':
      return { ...view, ...stamp, billingProfile: billingView(view.billingProfile.companyName, event.data) };
    case 'SelfPurchaseGranted':
    case 'SelfPurchaseRevoked':
    case 'CostManagementEnabled':
    case 'CostManagementDisabled':
      return { ...view, ...stamp, ...entitlementsAfter(view, event) };
    case 'PersonalDataErased':
      return { ...view, ...stamp, billingProfile: erasedBillingView(view.billingProfile) };
    default:
      return assertNever(event);
  }
}

/**
 * The billing section as the API shows it: flat, as Partner Center's billing profile is. A sealed
 * contact is kept sealed (the view store never holds personal data in clear text; the reader opens
 * it for the caller), an erased one as erased.
 */
function billingView(companyName: string, details: BillingDetails<StoredContact> | undefined): BillingProfileView {
  if (!details) return { companyName };
  const { defaultAddress, ...contact } = details.contact;
  return { companyName, ...contact, culture: details.culture, language: details.language, defaultAddress } as BillingProfileView;
}

/** Drops whatever personal data the section held (clear, as written before sealing, or sealed). */
function erasedBillingView(view: BillingProfileView): BillingProfileView {
  if (!view.defaultAddress) return view;
  const { companyName, culture, language, defaultAddress } = view;
  const { defaultAddress: address, ...contact } = erasedContact({ defaultAddress } as StoredContact);
  return { companyName, ...contact, culture, language, defaultAddress: address } as BillingProfileView;
}
