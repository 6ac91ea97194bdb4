import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CustomerNotFound, TENANT_ID } from '@app/domain';
import { AccountDetail, VIEW_STORE, ViewStore } from '@app/read-side';

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
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore) {}

  async execute({ partnerId, id }: GetAccountDetail): Promise<AccountDetailView> {
    const doc = TENANT_ID.test(id) ? await this.views.accountDetail({ partnerId, id: id.toLowerCase() }) : null;
    if (!doc) throw new CustomerNotFound();
    return withoutStorageFields(doc);
  }
}

export function withoutStorageFields({ partnerId: _p, position: _q, ...view }: AccountDetail): AccountDetailView {
  return view;
}
