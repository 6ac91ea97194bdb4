import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CustomerNotFound, TENANT_ID } from '@app/domain';
import { Metrics, observeStore } from '@app/platform';
import { ACCOUNT_DETAIL_READER, AccountDetail, AccountDetailReader } from '@app/read-side';

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
  ) {}

  async execute({ partnerId, id }: GetAccountDetail): Promise<AccountDetailView> {
    const key = { partnerId, id: id.toLowerCase() };
    const attributes = { 'partner.id': partnerId, 'view.name': 'account-detail', 'customer.id': key.id };
    const doc = TENANT_ID.test(id) ? await observeStore(this.metrics, 'views', 'detail', attributes, () => this.details.get(key)) : null;
    if (!doc) throw new CustomerNotFound();
    return withoutStorageFields(doc);
  }
}

export function withoutStorageFields({ partnerId: _p, position: _q, ...view }: AccountDetail): AccountDetailView {
  return view;
}
