import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ValidationError } from '@app/domain';
import { Metrics, observeStore } from '@app/platform';
import { CUSTOMER_LIST_READER, CustomerListItem, CustomerListReader, ListCursor, searchKey } from '@app/read-side';

export class ListCustomers {
  constructor(
    readonly partnerId: string,
    readonly search: string | undefined,
    readonly size: number,
    readonly continuation: string | undefined,
  ) {}
}

export interface CustomerListPage {
  readonly items: Omit<CustomerListItem, 'partnerId' | 'position'>[];
  readonly continuationToken?: string;
}

@QueryHandler(ListCustomers)
export class ListCustomersHandler implements IQueryHandler<ListCustomers, CustomerListPage> {
  constructor(
    @Inject(CUSTOMER_LIST_READER) private readonly list: CustomerListReader,
    private readonly metrics: Metrics,
  ) {}

  async execute({ partnerId, search, size, continuation }: ListCustomers): Promise<CustomerListPage> {
    const term = search?.trim() ? searchKey(search.trim()) : undefined;
    const after = continuation ? decodeCursor(continuation) : undefined;
    // The search term stays out of the span: it may be a person's name.
    const attributes = { 'partner.id': partnerId, 'view.name': 'customer-list', 'view.page_size': size, 'view.search': term !== undefined };
    const page = await observeStore(this.metrics, 'views', 'list', attributes, () => this.list.page({ partnerId, search: term, size, after }));
    const items = page.items.map(({ partnerId: _p, position: _q, ...item }) => item);
    return page.next ? { items, continuationToken: encodeCursor(page.next) } : { items };
  }
}

// The token names where the next page starts (sort key and id), so pages neither skip nor repeat
// when customers are added or renamed between requests.
function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.nameKey, cursor.id])).toString('base64url');
}

function decodeCursor(token: string): ListCursor {
  try {
    const [nameKey, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (typeof nameKey === 'string' && typeof id === 'string') return { nameKey, id };
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError([{ field: 'continuation', message: 'must be a continuationToken from a previous page' }]);
}
