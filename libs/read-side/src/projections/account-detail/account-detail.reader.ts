import { DocumentKey, ViewWriter } from '../../view-writer';
import { AccountDetail } from '../../views';
import { accountDetailProjection } from './account-detail.projection';

/** The account page's query: one document of the active generation by key, or null. */
export interface AccountDetailReader {
  get(key: DocumentKey): Promise<AccountDetail | null>;
}

export const ACCOUNT_DETAIL_READER = Symbol('AccountDetailReader');

/** Any store's account details: a read by key is what every store's `load` already does. */
export function accountDetailReader(views: Pick<ViewWriter, 'load'>): AccountDetailReader {
  return {
    async get(key) {
      const [doc] = await views.load(accountDetailProjection, [key]);
      return doc ?? null;
    },
  };
}
