import { newCustomer } from './customers';
import type { TestApp } from './test-app';

/** Shapes the e2e specs share for what the API answers, and helpers that call it over one TestApp's HTTP agent. */

/** What every write answers. */
export interface Written {
  readonly id: string;
  readonly revision: number;
  readonly position: string;
}

/** One event of a customer's history, as the history, as-of and audit routes show it. */
export interface HistoryItem {
  revision: number;
  position: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
  actor: { sub: string; partnerId: string; roles: string[] };
  commandId: string;
  correlationId: string;
}

/** A history item's keys, sorted. */
export const HISTORY_ITEM_KEYS = ['actor', 'commandId', 'correlationId', 'data', 'occurredAt', 'position', 'revision', 'type'];

/** The route's largest page: a longer history takes more than one. */
const HISTORY_PAGE = 1000;

/** Every event of a customer's history, page after page; `getJson` GETs a path with the caller's token. */
export async function wholeHistory(getJson: (path: string) => Promise<{ status: number; body: any }>, id: string): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  for (;;) {
    const from = items.length ? items[items.length - 1].revision + 1 : 0;
    const res = await getJson(`/v1/customers/${id}/history?fromRevision=${from}&limit=${HISTORY_PAGE}`);
    expect({ id, status: res.status }).toEqual({ id, status: 200 });
    items.push(...res.body.items);
    if (res.body.items.length < HISTORY_PAGE) return items;
  }
}

/**
 * Helpers bound to one app: `bearer` mints an Authorization header (admin-agent unless told); writes
 * expect success and answer {id, revision, position}; reads return the request, to `.expect()` on.
 */
export function httpClient(t: TestApp) {
  const bearer = async (partnerId: string, extra: { sub?: string; roles?: string[] } = {}) =>
    `Bearer ${await t.token({ partnerId, sub: extra.sub ?? 'test-user', roles: extra.roles ?? ['admin-agent'] })}`;
  const write = async (auth: string, method: 'post' | 'put', path: string, body: object, headers: Record<string, string> = {}, status = 200) => {
    let req = t.http[method](path).set('Authorization', auth);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return (await req.send(body).expect(status)).body as Written;
  };
  /** A GET; without `auth` it goes without a token. */
  const get = (auth: string | undefined, path: string, query: Record<string, string | number> = {}) => {
    const req = t.http.get(path).query(query);
    return auth ? req.set('Authorization', auth) : req;
  };
  return {
    bearer,
    establish: (auth: string, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      write(auth, 'post', '/v1/customers', newCustomer(overrides), headers, 201),
    rename: (auth: string, id: string, companyName: string, headers: Record<string, string> = {}) =>
      write(auth, 'post', `/v1/customers/${id}/rename`, { companyName }, headers),
    post: (auth: string, id: string, path: string, body: object = {}, headers: Record<string, string> = {}) =>
      write(auth, 'post', `/v1/customers/${id}/${path}`, body, headers),
    putBilling: (auth: string, id: string, ifMatch: number, body: object, headers: Record<string, string> = {}) =>
      write(auth, 'put', `/v1/customers/${id}/profiles/billing`, body, { 'If-Match': `"${ifMatch}"`, ...headers }),
    get,
    list: (auth: string, query: Record<string, string | number> = {}) => get(auth, '/v1/customers', query),
    detail: (auth: string, id: string, minPosition?: string, suffix = '') => get(auth, `/v1/customers/${id}${suffix}`, minPosition ? { minPosition } : {}),
  };
}
