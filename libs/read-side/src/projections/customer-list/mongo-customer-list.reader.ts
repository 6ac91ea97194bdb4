import { fromStored, MongoViewStore } from '../../mongodb/mongo-view-store';
import { customerListProjection } from './customer-list.projection';
import { CustomerListReader, ListPage, ListQuery } from './customer-list.reader';
import { PREFIX_END } from './search-key';

/** The customer list on MongoDB; `nameKey` and `domainKey` are the list's declared keys, stored beside each document. */
export class MongoCustomerListReader implements CustomerListReader {
  constructor(private readonly store: MongoViewStore) {}

  async page({ partnerId, search, size, after }: ListQuery): Promise<ListPage> {
    const range = (field: string) => ({ [field]: { $gte: search, $lt: `${search}${PREFIX_END}` } });
    const conditions: object[] = [{ partnerId }];
    if (search) conditions.push({ $or: [range('nameKey'), range('domainKey')] });
    if (after) conditions.push({ $or: [{ nameKey: { $gt: after.nameKey } }, { nameKey: after.nameKey, id: { $gt: after.id } }] });
    const list = await this.store.activeCollection(customerListProjection);
    const docs = await list
      .find({ $and: conditions })
      .sort({ nameKey: 1, id: 1 })
      .limit(size + 1)
      .toArray();
    const items = docs.slice(0, size).map((doc) => fromStored(customerListProjection, doc));
    const last = docs[size - 1];
    return docs.length > size ? { items, next: { nameKey: last.nameKey as string, id: last.id } } : { items };
  }
}
