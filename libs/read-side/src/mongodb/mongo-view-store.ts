import { AnyBulkWriteOperation, Collection, Db, MongoServerError } from 'mongodb';
import { Position, positionFromKey, positionKey } from '@app/event-store';
import { DocumentKey, ListPage, ListQuery, PREFIX_END, searchKey, ViewStore } from '../view-store';
import { AccountDetail, CustomerListItem, ViewDocument, ViewName } from '../views';

const COLLECTIONS: Record<ViewName, string> = { 'customer-list': 'customer_list', 'account-detail': 'account_details' };
const DUPLICATE_KEY = 11000;

type Stored = ViewDocument & { _id: string; nameKey?: string; domainKey?: string };
type Checkpoint = { _id: string; position: string; updatedAt: Date };

/**
 * Views in MongoDB (or FerretDB, which has no transactions and no collations). Each document is
 * written only over an older position, then the checkpoint moves; a crash between the two only
 * means the next run rewrites the same documents, which changes nothing.
 */
export class MongoViewStore implements ViewStore {
  private readonly checkpoints: Collection<Checkpoint>;

  constructor(private readonly db: Db) {
    this.checkpoints = db.collection<Checkpoint>('projection_checkpoints');
  }

  /** Creates the indexes the queries need; safe to run at every start. */
  async ensureIndexes(): Promise<void> {
    const list = this.collection('customer-list');
    await list.createIndex({ partnerId: 1, nameKey: 1, id: 1 }, { name: 'by_partner_name' });
    await list.createIndex({ partnerId: 1, domainKey: 1 }, { name: 'by_partner_domain' });
  }

  async load<V extends ViewDocument>(view: ViewName, keys: readonly DocumentKey[]): Promise<V[]> {
    if (keys.length === 0) return [];
    const docs = await this.collection(view).find({ _id: { $in: keys.map(idOf) } }).toArray();
    return docs.map(toView) as unknown as V[];
  }

  async commit(view: ViewName, documents: readonly ViewDocument[], checkpoint: Position): Promise<void> {
    const collection = this.collection(view);
    const stored = documents.map((doc) => toStored(view, doc));
    if (stored.length > 0) {
      const existing = new Set(
        (await collection.find({ _id: { $in: stored.map((d) => d._id) } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id),
      );
      // New documents are inserted and existing ones replaced only if older, so no operation can
      // collide with another; a rival writer inserting first is handled one by one below.
      const operations: AnyBulkWriteOperation<Stored>[] = stored.map((doc) =>
        existing.has(doc._id)
          ? { replaceOne: { filter: { _id: doc._id, position: { $lt: doc.position } }, replacement: doc } }
          : { insertOne: { document: doc } },
      );
      try {
        await collection.bulkWrite(operations, { ordered: false });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        for (const doc of stored) await guardedUpsert(collection, doc);
      }
    }
    await guardedUpsert(this.checkpoints, { _id: view, position: positionKey(checkpoint), updatedAt: new Date() });
  }

  async checkpoint(view: ViewName): Promise<Position | null> {
    const doc = await this.checkpoints.findOne({ _id: view });
    return doc ? positionFromKey(doc.position) : null;
  }

  async listCustomers({ partnerId, search, size, after }: ListQuery): Promise<ListPage> {
    const range = (field: string) => ({ [field]: { $gte: search, $lt: `${search}${PREFIX_END}` } });
    const conditions: object[] = [{ partnerId }];
    if (search) conditions.push({ $or: [range('nameKey'), range('domainKey')] });
    if (after) conditions.push({ $or: [{ nameKey: { $gt: after.nameKey } }, { nameKey: after.nameKey, id: { $gt: after.id } }] });
    const docs = await this.collection('customer-list')
      .find({ $and: conditions })
      .sort({ nameKey: 1, id: 1 })
      .limit(size + 1)
      .toArray();
    const items = docs.slice(0, size).map(toView) as unknown as CustomerListItem[];
    const last = docs[size - 1];
    return docs.length > size ? { items, next: { nameKey: last.nameKey!, id: last.id } } : { items };
  }

  async accountDetail(key: DocumentKey): Promise<AccountDetail | null> {
    const doc = await this.collection('account-detail').findOne({ _id: idOf(key) });
    return doc ? (toView(doc) as unknown as AccountDetail) : null;
  }

  async close(): Promise<void> {
    // The connection belongs to whoever opened it.
  }

  private collection(view: ViewName): Collection<Stored> {
    return this.db.collection<Stored>(COLLECTIONS[view]);
  }
}

/** The tenant id is a UUID at the end, so partner ids containing '/' cannot collide. */
function idOf(key: DocumentKey): string {
  return `${key.partnerId}/${key.id}`;
}

function toStored(view: ViewName, doc: ViewDocument): Stored {
  const stored: Stored = { _id: idOf(doc), ...doc };
  if (view === 'customer-list') {
    const item = doc as CustomerListItem;
    stored.nameKey = searchKey(item.companyName);
    stored.domainKey = searchKey(item.domain);
  }
  return stored;
}

function toView(doc: Stored): ViewDocument {
  const { _id, nameKey: _n, domainKey: _d, ...view } = doc;
  return view;
}

/** Writes only over an older position; losing the race to a newer write is success. */
async function guardedUpsert<T extends { _id: string; position: string }>(collection: Collection<T>, doc: T): Promise<void> {
  try {
    await collection.replaceOne({ _id: doc._id, position: { $lt: doc.position } } as never, doc, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}
