import { AnyBulkWriteOperation, Collection, Db, MongoServerError } from 'mongodb';
import { Position, positionFromKey, positionKey } from '@app/event-store/core';
import { ViewDefinition } from '../view-definition';
import { ParkedEvent, ParkedEvents } from '../parked-events';
import { FIRST_GENERATIONS, Generations, inUse, StaleGeneration, ViewGenerations } from '../view-generations';
import { DocumentKey, ViewWriter } from '../view-writer';
import { ViewDocument, ViewName } from '../views';

const DUPLICATE_KEY = 11000;

/** A view document as stored: keyed by `partnerId/id`, with the keys its view derives beside it. */
export type StoredView = ViewDocument & { _id: string } & Record<string, unknown>;
type Checkpoint = { _id: string; position: string; updatedAt: Date };
type GenerationsDoc = Generations & { _id: ViewName };
type StoredParking = ParkedEvent & { _id: string };

export interface MongoViewStoreOptions {
  /**
   * At most this many replaces go in one `bulkWrite` command, sent one command at a time. FerretDB
   * 1.24 deadlocks on one update command with about 100 statements that match existing documents
   * (fewer on its PostgreSQL backend, and concurrent commands add up), so the default stays well
   * under; a real MongoDB needs no limit.
   */
  readonly maxWritesPerCommand?: number;
}

const DEFAULT_MAX_WRITES_PER_COMMAND = 20;

/**
 * Views in MongoDB (or FerretDB, which has no transactions and no collations), a collection per
 * view generation. Each document is written only over an older position, then the checkpoint
 * moves; a crash between the two only means the next run rewrites the same documents, which
 * changes nothing. A view's generations are one document, so a switch is one atomic update.
 */
export class MongoViewStore implements ViewWriter, ViewGenerations, ParkedEvents {
  private readonly checkpoints: Collection<Checkpoint>;
  private readonly generationDocs: Collection<GenerationsDoc>;
  private readonly parkings: Collection<StoredParking>;
  private readonly indexed = new Set<string>();

  private readonly maxWritesPerCommand: number;

  constructor(
    private readonly db: Db,
    options: MongoViewStoreOptions = {},
  ) {
    this.maxWritesPerCommand = options.maxWritesPerCommand ?? DEFAULT_MAX_WRITES_PER_COMMAND;
    this.checkpoints = db.collection<Checkpoint>('projection_checkpoints');
    this.generationDocs = db.collection<GenerationsDoc>('view_generations');
    this.parkings = db.collection<StoredParking>('parked_events');
  }

  /** Creates the indexes the active generations' queries need; safe to run at every start. */
  async ensureIndexes(views: readonly ViewDefinition[]): Promise<void> {
    for (const view of views) if (view.indexes.length > 0) await this.activeCollection(view);
  }

  async load<V extends ViewDocument>(view: ViewDefinition<V>, keys: readonly DocumentKey[], generation?: number): Promise<V[]> {
    if (keys.length === 0) return [];
    const collection = await this.collection(view, generation ?? (await this.activeGeneration(view)));
    const docs = await collection.find({ _id: { $in: keys.map(idOf) } }).toArray();
    return docs.map((doc) => fromStored(view, doc));
  }

  async commit<V extends ViewDocument>(
    view: ViewDefinition<V>,
    documents: readonly V[],
    checkpoint: Position,
    generation?: number,
    parked: readonly ParkedEvent[] = [],
  ): Promise<void> {
    const generations = await this.generations(view);
    const target = generation ?? generations.active;
    if (!inUse(generations, target)) throw new StaleGeneration(view.name, target);
    const collection = await this.collection(view, target);
    const stored = documents.map((doc) => toStored(view, doc));
    if (stored.length > 0) {
      const existing = new Set(
        (await collection.find({ _id: { $in: stored.map((d) => d._id) } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id),
      );
      // New documents are inserted and existing ones replaced only if older, so no operation can
      // collide with another; a rival writer inserting first is handled one by one below. Inserts
      // match nothing and go in one command; replaces at most `maxWritesPerCommand` per command.
      const inserts = stored.filter((doc) => !existing.has(doc._id));
      const replaces = stored.filter((doc) => existing.has(doc._id));
      const groups: StoredView[][] = inserts.length > 0 ? [inserts] : [];
      for (let start = 0; start < replaces.length; start += this.maxWritesPerCommand) groups.push(replaces.slice(start, start + this.maxWritesPerCommand));
      for (const group of groups) {
        const operations: AnyBulkWriteOperation<StoredView>[] = group.map((doc) =>
          existing.has(doc._id)
            ? { replaceOne: { filter: { _id: doc._id, position: { $lt: doc.position } }, replacement: doc } }
            : { insertOne: { document: doc } },
        );
        try {
          await collection.bulkWrite(operations, { ordered: false });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          for (const doc of group) await guardedUpsert(collection, doc);
        }
      }
    }
    // Before the checkpoint, keyed by position: a batch committed again after a crash between the
    // two finds its parkings there already, and the first stands.
    for (const p of parked) {
      await this.parkings.insertOne({ ...p, projection: view.name, generation: target, _id: parkingId(view.name, target, p.position) }).catch(ignoreDuplicate);
    }
    await guardedUpsert(this.checkpoints, { _id: checkpointId(view, target), position: positionKey(checkpoint), updatedAt: new Date() });
  }

  async parked(view: ViewDefinition, generation?: number): Promise<ParkedEvent[]> {
    const g = generation ?? (await this.activeGeneration(view));
    const docs = await this.parkings.find({ projection: view.name, generation: g }).sort({ position: 1 }).toArray();
    return docs.map(({ _id, ...parked }) => parked);
  }

  async countParked(view: ViewDefinition, generation?: number): Promise<number> {
    return this.parkings.countDocuments({ projection: view.name, generation: generation ?? (await this.activeGeneration(view)) });
  }

  async unpark(view: ViewDefinition, generation: number, position: string): Promise<boolean> {
    return (await this.parkings.deleteOne({ _id: parkingId(view.name, generation, position) })).deletedCount === 1;
  }

  async replaceRetried<V extends ViewDocument>(
    view: ViewDefinition<V>,
    generation: number,
    document: V,
    expectedPosition: string | null,
    positions: readonly string[],
  ): Promise<boolean> {
    if (!inUse(await this.generations(view), generation)) throw new StaleGeneration(view.name, generation);
    const collection = await this.collection(view, generation);
    const stored = toStored(view, document);
    // No transactions here: the document is compared and set in one operation, then the parkings
    // go. A crash between leaves them parked over a fixed document; a retry then settles them.
    if (expectedPosition === null) {
      const inserted = await collection.insertOne(stored).then(() => true, (error: unknown) => (isDuplicateKey(error) ? false : Promise.reject(error)));
      if (!inserted) return false;
    } else if ((await collection.replaceOne({ _id: stored._id, position: expectedPosition }, stored)).matchedCount !== 1) {
      return false;
    }
    await this.parkings.deleteMany({ _id: { $in: positions.map((p) => parkingId(view.name, generation, p)) } });
    return true;
  }

  async checkpoint(view: ViewDefinition, generation?: number): Promise<Position | null> {
    const doc = await this.checkpoints.findOne({ _id: checkpointId(view, generation ?? (await this.activeGeneration(view))) });
    return doc ? positionFromKey(doc.position) : null;
  }

  async activeGeneration(view: ViewDefinition): Promise<number> {
    return (await this.generations(view)).active;
  }

  async beginRebuild(view: ViewDefinition): Promise<number> {
    const generations = await this.dropRetired(view);
    if (generations.building !== null) return generations.building;
    const building = await this.allocate(view);
    // Only if no other rebuild claimed the slot meanwhile; then resume that one instead.
    const claimed = await this.generationDocs.updateOne({ _id: view.name, building: null }, { $set: { building } });
    return claimed.modifiedCount === 1 ? building : ((await this.generations(view)).building ?? this.beginRebuild(view));
  }

  async finishRebuild(view: ViewDefinition, generation: number): Promise<void> {
    const { active } = await this.generations(view);
    const switched = await this.generationDocs.updateOne(
      { _id: view.name, building: generation, active },
      { $set: { active: generation, building: null }, $push: { retired: active } },
    );
    if (switched.modifiedCount !== 1) throw new StaleGeneration(view.name, generation);
  }

  async createShadow(view: ViewDefinition): Promise<number> {
    await this.dropRetired(view);
    const shadow = await this.allocate(view);
    await this.generationDocs.updateOne({ _id: view.name }, { $push: { shadows: shadow } });
    return shadow;
  }

  async dropShadow(view: ViewDefinition, generation: number): Promise<void> {
    await this.generationDocs.updateOne({ _id: view.name }, { $pull: { shadows: generation } });
    await this.drop(view, generation);
  }

  async *documents<V extends ViewDocument>(view: ViewDefinition<V>, generation: number): AsyncIterable<V> {
    const collection = await this.collection(view, generation);
    for (let after = ''; ; ) {
      const page = await collection.find({ _id: { $gt: after } }).sort({ _id: 1 }).limit(1000).toArray();
      for (const doc of page) yield fromStored(view, doc);
      if (page.length < 1000) return;
      after = page[page.length - 1]._id;
    }
  }

  /** The collection serving reads of a view, its indexes in place, for the view's own reader. */
  async activeCollection(view: ViewDefinition): Promise<Collection<StoredView>> {
    return this.collection(view, await this.activeGeneration(view));
  }

  async close(): Promise<void> {
    // The connection belongs to whoever opened it.
  }

  private async generations(view: ViewDefinition): Promise<Generations> {
    const doc = await this.generationDocs.findOne({ _id: view.name });
    if (doc) return doc;
    try {
      await this.generationDocs.insertOne({ _id: view.name, ...FIRST_GENERATIONS });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return (await this.generationDocs.findOne({ _id: view.name })) ?? FIRST_GENERATIONS;
  }

  /** Drops generations replaced by an earlier rebuild: no read can still be on them. */
  private async dropRetired(view: ViewDefinition): Promise<Generations> {
    const generations = await this.generations(view);
    for (const generation of generations.retired ?? []) {
      await this.generationDocs.updateOne({ _id: view.name }, { $pull: { retired: generation } });
      await this.drop(view, generation);
    }
    return { ...generations, retired: [] };
  }

  /** A generation number never handed out before, even to a dropped generation. */
  private async allocate(view: ViewDefinition): Promise<number> {
    await this.generations(view);
    const doc = await this.generationDocs.findOneAndUpdate({ _id: view.name }, { $inc: { last: 1 } }, { returnDocument: 'after' });
    if (!doc) throw new Error(`No generations document for ${view.name}.`);
    return doc.last;
  }

  /** The collection of one generation; the view's indexes are created on first use. */
  private async collection(view: ViewDefinition, generation: number): Promise<Collection<StoredView>> {
    const name = collectionName(view, generation);
    const collection = this.db.collection<StoredView>(name);
    if (!this.indexed.has(name)) {
      for (const index of view.indexes) {
        await collection.createIndex(Object.fromEntries(['partnerId', ...index.fields].map((f) => [f, 1])), { name: `by_partner_${index.name}` });
      }
      this.indexed.add(name);
    }
    return collection;
  }

  private async drop(view: ViewDefinition, generation: number): Promise<void> {
    const name = collectionName(view, generation);
    await this.db.collection(name).drop().catch(() => undefined);
    await this.checkpoints.deleteOne({ _id: checkpointId(view, generation) });
    await this.parkings.deleteMany({ projection: view.name, generation });
    this.indexed.delete(name);
  }
}

function collectionName(view: ViewDefinition, generation: number): string {
  return `${view.storedAs}_g${generation}`;
}

function checkpointId(view: ViewDefinition, generation: number): string {
  return `${view.name}#${generation}`;
}

function parkingId(view: ViewName, generation: number, position: string): string {
  return `${view}#${generation}#${position}`;
}

/** The tenant id is a UUID at the end, so partner ids containing '/' cannot collide. */
function idOf(key: DocumentKey): string {
  return `${key.partnerId}/${key.id}`;
}

function toStored<V extends ViewDocument>(view: ViewDefinition<V>, doc: V): StoredView {
  return { _id: idOf(doc), ...doc, ...Object.fromEntries(view.keys.map((k) => [k.field, k.of(doc)])) };
}

/** The view's document as it was written: without the store's id and the derived keys. */
export function fromStored<V extends ViewDocument>(view: ViewDefinition<V>, stored: StoredView): V {
  const { _id, ...doc } = stored;
  for (const key of view.keys) delete doc[key.field];
  return doc as unknown as V;
}

/** Writes only over an older position; losing the race to a newer write is success. */
async function guardedUpsert<T extends { _id: string; position: string }>(collection: Collection<T>, doc: T): Promise<void> {
  try {
    await collection.replaceOne({ _id: doc._id, position: { $lt: doc.position } } as never, doc, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicateKey(error)) throw error;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}
