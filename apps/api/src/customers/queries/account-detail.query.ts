import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CustomerNotFound, TENANT_ID } from '@app/domain';
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
  constructor(@Inject(ACCOUNT_DETAIL_READER) private readonly details: AccountDetailReader) {}

  async execute({ partnerId, id }: GetAccountDetail): Promise<AccountDetailView> {
    const doc = TENANT_ID.test(id) ? await this.details.get({ partnerId, id: id.toLowerCase() }) : null;
    if (!doc) throw new CustomerNotFound();
    return withoutStorageFields(doc);
  }
}

export function withoutStorageFields({ partnerId: _p, position: _q, ...view }: AccountDetail): AccountDetailView {
  return view;
}
