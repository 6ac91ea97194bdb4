import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CustomerNotFound, customerStream, StoredContact, TENANT_ID } from '@app/domain';
import { Metrics, observeStore } from '@app/platform';
import { ACCOUNT_DETAIL_READER, AccountDetail, AccountDetailReader, BillingProfileView } from '@app/read-side';
import { PersonalDataVault } from '@app/runtime';

export class GetAccountDetail {
  constructor(
    readonly partnerId: string,
    readonly id: string,
  ) {}
}

export type AccountDetailView = Omit<AccountDetail, 'partnerId' | 'position'>;

/** The account page from the account-detail view; another partner's customer is simply not there. */
@QueryHandler(GetAccountDetail)
export class GetAccountDetailHandler implements IQueryHandler<GetAccountDetail, AccountDetailView> {
  constructor(
    @Inject(ACCOUNT_DETAIL_READER) private readonly details: AccountDetailReader,
    private readonly metrics: Metrics,
    private readonly vault: PersonalDataVault,
  ) {}

  async execute({ partnerId, id }: GetAccountDetail): Promise<AccountDetailView> {
    const key = { partnerId, id: id.toLowerCase() };
    const attributes = { 'partner.id': partnerId, 'view.name': 'account-detail', 'customer.id': key.id };
    const doc = TENANT_ID.test(id) ? await observeStore(this.metrics, 'views', 'detail', attributes, () => this.details.get(key)) : null;
    if (!doc) throw new CustomerNotFound();
    const billingProfile = await openBillingView(this.vault, customerStream(partnerId, doc.id), doc.billingProfile);
    return withoutStorageFields({ ...doc, billingProfile });
  }
}

/**
 * The view keeps the contact sealed (or, for one stored before sealing, plain); the caller, who may
 * see it, gets it opened, or erased when the stream's key is gone or an erase covered it.
 */
export async function openBillingView(vault: PersonalDataVault, stream: string, view: BillingProfileView): Promise<BillingProfileView> {
  if (view.personalDataErased || (view.sealed === undefined && view.firstName === undefined)) return view;
  const { companyName, culture, language, sealed, defaultAddress, firstName, lastName, email, phoneNumber } = view;
  const stored = sealed !== undefined ? { sealed, defaultAddress } : { firstName, lastName, email, ...(phoneNumber ? { phoneNumber } : {}), defaultAddress };
  const { defaultAddress: address, ...contact } = await vault.openContact(stream, stored as StoredContact);
  return { companyName, ...contact, culture, language, defaultAddress: address } as BillingProfileView;
}

export function withoutStorageFields({ partnerId: _p, position: _q, ...view }: AccountDetail): AccountDetailView {
  return view;
}
