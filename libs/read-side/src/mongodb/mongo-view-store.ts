import { AnyBulkWriteOperation, Collection, Db, MongoServerError } from 'mongodb';
import { Position, positionFromKey, positionKey } from '@app/event-store';
import {
  DocumentKey,
  FIRST_GENERATIONS,
  Generations,
  inUse,
  ListPage,
  ListQuery,
  PREFIX_END,
  searchKey,
  StaleGeneration,
  ViewStore,
} from '../view-store';
import { AccountDetail, CustomerListItem, ViewDocument, ViewName } from '../views';

const BASE: Record<ViewName, string> = { 'customer-list': 'customer_list', 'account-detail': 'account_details' };
const DUPLICATE_KEY = 11000;

type Stored = ViewDocument & { _id: string; nameKey?: string; domainKey?: string };
type Checkpoint = { _id: string; position: string; updatedAt: Date };
type GenerationsDoc = Generations & { _id: ViewName };

/**
 * Views in MongoDB (or FerretDB, which has no transactions and no collations), a collection per
 * view generation. Each document is written only over an older position, then the checkpoint
 * moves; a crash between the two only means the next run rewrites the same documents, which
 * changes nothing. A view's generations are one document, so a switch is one atomic update.
 */
export class MongoViewStore implements ViewStore {
  private readonly checkpoints: Collection<Checkpoint>;
  private readonly generationDocs: Collection<GenerationsDoc>;
  private readonly indexed = new Set<string>();

  constructor(private readonly db: Db) {
    this.checkpoints = db.collection<Checkpoint>('projection_checkpoints');
    this.generationDocs = db.collection<GenerationsDoc>('view_generations');
  }

  /** Creates the indexes the active list generation's queries need; safe to run at every start. */
  async ensureIndexes(): Promise<void> {
    await this.collection('customer-list', await this.activeGeneration('customer-list'));
  }

  async load<V extends ViewDocument>(view: ViewName, keys: readonly DocumentKey[], generation?: number): Promise<V[]> {
    if (keys.length === 0) return [];
    const collection = await this.collection(view, generation ?? (await this.activeGeneration(view)));
    const docs = await collection.find({ _id: { $in: keys.map(idOf) } }).toArray();
    return docs.map(toView) as unknown as V[];
  }

  async commit(view: ViewName, documents: readonly ViewDocument[], checkpoint: Position, generation?: number): Promise<void> {
    const generations = await this.generations(view);
    const target = generation ?? generations.active;
    if (!inUse(generations, target)) throw new StaleGeneration(view, target);
    const collection = await this.collection(view, target);
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
    await guardedUpsert(this.checkpoints, { _id: checkpointId(view, target), position: positionKey(checkpoint), updatedAt: new Date() });
  }

  async checkpoint(view: ViewName, generation?: number): Promise<Position | null> {
    const doc = await this.checkpoints.findOne({ _id: checkpointId(view, generation ?? (await this.activeGeneration(view))) });
    return doc ? positionFromKey(doc.position) : null;
  }

  async listCustomers({ partnerId, search, size, after }: ListQuery): Promise<ListPage> {
    const range = (field: string) => ({ [field]: { $gte: search, $lt: `${search}${PREFIX_END}` } });
    const conditions: object[] = [{ partnerId }];
    if (search) conditions.push({ $or: [range('nameKey'), range('domainKey')] });
    if (after) conditions.push({ $or: [{ nameKey: { $gt: after.nameKey } }, { nameKey: after.nameKey, id: { $gt: after.id } }] });
    const list = await this.collection('customer-list', await this.activeGeneration('customer-list'));
    const docs = await list
      .find({ $and: conditions })
      .sort({ nameKey: 1, id: 1 })
      .limit(size + 1)
      .toArray();
    const items = docs.slice(0, size).map(toView) as unknown as CustomerListItem[];
    const last = docs[size - 1];
    return docs.length > size ? { items, next: { nameKey: last.nameKey!, id: last.id } } : { items };
  }

  async accountDetail(key: DocumentKey): Promise<AccountDetail | null> {
    const [doc] = await this.load<AccountDetail>('account-detail', [key]);
    return doc ?? null;
  }

  async activeGeneration(view: ViewName): Promise<number> {
    return (await this.generations(view)).active;
  }

  async beginRebuild(view: ViewName): Promise<number> {
    const generations = await this.dropRetired(view);
    if (generations.building !== null) return generations.building;
    const building = await this.allocate(view);
    // Only if no other rebuild claimed the slot meanwhile; then resume that one instead.
    const claimed = await this.generationDocs.updateOne({ _id: view, building: null }, { $set: { building } });
    return claimed.modifiedCount === 1 ? building : ((await this.generations(view)).building ?? this.beginRebuild(view));
  }

  async finishRebuild(view: ViewName, generation: number): Promise<void> {
    const { active } = await this.generations(view);
    const switched = await this.generationDocs.updateOne(
      { _id: view, building: generation, active },
      { $set: { active: generation, building: null }, $push: { retired: active } },
    );
    if (switched.modifiedCount !== 1) throw new StaleGeneration(view, generation);
  }

  async createShadow(view: ViewName): Promise<number> {
    await this.dropRetired(view);
    const shadow = await this.allocate(view);
    await this.generationDocs.updateOne({ _id: view }, { $push: { shadows: shadow } });
    return shadow;
  }

  async dropShadow(view: ViewName, generation: number): Promise<void> {
    await this.generationDocs.updateOne({ _id: view }, { $pull: { shadows: generation } });
    await this.drop(view, generation);
  }

  async *documents(view: ViewName, generation: number): AsyncIterable<ViewDocument> {
    const collection = await this.collection(view, generation);
    for (let after = ''; ; ) {
      const page = await collection.find({ _id: { $gt: after } }).sort({ _id: 1 }).limit(1000).toArray();
      for (const doc of page) yield toView(doc);
      if (page.length < 1000) return;
      after = page[page.length - 1]._id;
    }
  }

  async close(): Promise<void> {
    // The connection belongs to whoever opened it.
  }

  private async generations(view: ViewName): Promise<Generations> {
    const doc = await this.generationDocs.findOne({ _id: view });
    if (doc) return doc;
    try {
      await this.generationDocs.insertOne({ _id: view, ...FIRST_GENERATIONS });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return (await this.generationDocs.findOne({ _id: view })) ?? FIRST_GENERATIONS;
  }

  /** Drops generations replaced by an earlier rebuild: no read can still be on them. */
  private async dropRetired(view: ViewName): Promise<Generations> {
    const generations = await this.generations(view);
    for (const generation of generations.retired ?? []) {
      await this.generationDocs.updateOne({ _id: view }, { $pull: { retired: generation } });
      await this.drop(view, generation);
    }
    return { ...generations, retired: [] };
  }

  /** A generation number never handed out before, even to a dropped generation. */
  private async allocate(view: ViewName): Promise<number> {
    await this.generations(view);
    const doc = await this.generationDocs.findOneAndUpdate({ _id: view }, { $inc: { last: 1 } }, { returnDocument: 'after' });
    if (!doc) throw new Error(`No generations document for ${view}.`);
    return doc.last;
  }

  /** The collection of one generation; the list's indexes are created on first use. */
  private async collection(view: ViewName, generation: number): Promise<Collection<Stored>> {
    const name = `${BASE[view]}_g${generation}`;
    const collection = this.db.collection<Stored>(name);
    if (view === 'customer-list' && !this.indexed.has(name)) {
      await collection.createIndex({ partnerId: 1, nameKey: 1, id: 1 }, { name: 'by_partner_name' });
      await collection.createIndex({ partnerId: 1, domainKey: 1 }, { name: 'by_partner_domain' });
      this.indexed.add(name);
    }
    return collection;
  }

  private async drop(view: ViewName, generation: number): Promise<void> {
    const name = `${BASE[view]}_g${generation}`;
    await this.db.collection(name).drop().catch(() => undefined);
    await this.checkpoints.deleteOne({ _id: checkpointId(view, generation) });
    this.indexed.delete(name);
  }
}

function checkpointId(view: ViewName, generation: number): string {
  return `${view}#${generation}`;
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
