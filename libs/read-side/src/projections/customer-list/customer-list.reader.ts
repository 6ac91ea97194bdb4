import { CustomerListItem } from '../../views';

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

/**
 * The customer list's query: one partner's customers from the active generation, sorted by name
 * key then id, optionally those whose name or domain key starts with `search`, a page at a time.
 */
export interface CustomerListReader {
  page(query: ListQuery): Promise<ListPage>;
}

export const CUSTOMER_LIST_READER = Symbol('CustomerListReader');
