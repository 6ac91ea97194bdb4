import { Position } from '@app/event-store';
import { AccountDetail, CustomerListItem, ViewDocument, ViewName } from './views';

export interface ListQuery {
  readonly partnerId: string;
  /** Already normalized with `searchKey`. */
  readonly search?: string;
  readonly size: number;
  /** Resume strictly after this (name key, id). */
  readonly after?: ListCursor;
}

export interface ListCursor {
  readonly nameKey: string;
  readonly id: string;
}

export interface ListPage {
  readonly items: CustomerListItem[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: ListCursor;
}

export interface DocumentKey {
  readonly partnerId: string;
  readonly id: string;
}

/**
 * Where the views live: documents written together with the position they reflect, and each
 * projection's checkpoint, which never passes a write that is not yet durable.
 *
 * Each view's documents live in numbered generations. Reads use the active generation; a rebuild
 * projects a new generation from the start while the active one keeps serving, then makes it active
 * in one atomic step; a verify projects a shadow generation that never becomes active. Calls that
 * take a `generation` address that one, else the active one; writing to a generation that no longer
 * exists (replaced, dropped) throws `StaleGeneration`, so a runner restarts on the current one.
 */
export interface ViewStore {
  load<V extends ViewDocument>(view: ViewName, keys: readonly DocumentKey[], generation?: number): Promise<V[]>;
  /** Writes each document only if it is newer than the stored one, then moves the checkpoint. */
  commit(view: ViewName, documents: readonly ViewDocument[], checkpoint: Position, generation?: number): Promise<void>;
  checkpoint(view: ViewName, generation?: number): Promise<Position | null>;
  listCustomers(query: ListQuery): Promise<ListPage>;
  accountDetail(key: DocumentKey): Promise<AccountDetail | null>;

  activeGeneration(view: ViewName): Promise<number>;
  /** The generation a rebuild projects into: the unfinished one if a rebuild was interrupted, else a new empty one. */
  beginRebuild(view: ViewName): Promise<number>;
  /** Makes a rebuilt generation the active one in one step; the one it replaces is retired, dropped later. */
  finishRebuild(view: ViewName, generation: number): Promise<void>;
  /** A new empty generation that never becomes active, for comparing a fresh projection with the live one. */
  createShadow(view: ViewName): Promise<number>;
  dropShadow(view: ViewName, generation: number): Promise<void>;
  /** Every document of a generation, in key order. */
  documents(view: ViewName, generation: number): AsyncIterable<ViewDocument>;
  close(): Promise<void>;
}

export class StaleGeneration extends Error {
  constructor(view: ViewName, generation: number) {
    super(`Generation ${generation} of ${view} is no longer in use.`);
  }
}

/** The generations of one view: which serves reads, which a rebuild is filling, which verifies use. */
export interface Generations {
  readonly active: number;
  readonly building: number | null;
  readonly shadows: readonly number[];
  /**
   * Replaced generations, kept until the next rebuild or verify starts: a read that looked up the
   * active generation just before a switch still finds its data.
   */
  readonly retired: readonly number[];
  /** The highest number handed out so far. */
  readonly last: number;
}

export const FIRST_GENERATIONS: Generations = { active: 1, building: null, shadows: [], retired: [], last: 1 };

export function inUse(generations: Generations, generation: number): boolean {
  return generation === generations.active || generation === generations.building || generations.shadows.includes(generation);
}

export const VIEW_STORE = Symbol('ViewStore');

/**
 * The case-insensitive key the list sorts and searches by; stored beside the name so no store needs
 * collations (FerretDB has none).
 */
export function searchKey(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The highest code point: a key range [p, p + MAX) holds exactly the keys starting with p. */
export const PREFIX_END = '\u{10FFFF}';
