import { ViewDocument, ViewName } from './views';

/**
 * How a view is stored, declared by the view itself so that no store adapter knows any view: its
 * name, the base name of its tables or collections, the keys its queries search and sort by, and
 * the indexes over them.
 */
export interface ViewDefinition<V extends ViewDocument = ViewDocument> {
  readonly name: ViewName;
  /** Each generation lives in `<storedAs>_g<generation>` (a SQLite table, a MongoDB collection). */
  readonly storedAs: string;
  /** Fields derived from each document and stored beside it, written and replaced with it. */
  readonly keys: readonly ViewKey<V>[];
  readonly indexes: readonly ViewIndex[];
}

/** One derived field: `nameKey` in MongoDB, `name_key` in SQLite. */
export interface ViewKey<V extends ViewDocument> {
  readonly field: string;
  // A method, not a function property: a definition of a particular view then also serves where
  // any view's definition is expected.
  of(doc: V): string;
}

/**
 * An index within one partner's documents (every view query is one partner's): `partnerId` leads,
 * then `fields`, which may name the document's `id` or a derived key.
 */
export interface ViewIndex {
  readonly name: string;
  readonly fields: readonly string[];
}
