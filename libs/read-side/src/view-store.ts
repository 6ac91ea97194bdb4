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
 */
export interface ViewStore {
  load<V extends ViewDocument>(view: ViewName, keys: readonly DocumentKey[]): Promise<V[]>;
  /** Writes each document only if it is newer than the stored one, then moves the checkpoint. */
  commit(view: ViewName, documents: readonly ViewDocument[], checkpoint: Position): Promise<void>;
  checkpoint(view: ViewName): Promise<Position | null>;
  listCustomers(query: ListQuery): Promise<ListPage>;
  accountDetail(key: DocumentKey): Promise<AccountDetail | null>;
  close(): Promise<void>;
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
