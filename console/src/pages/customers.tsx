import { useState } from 'preact/hooks';
import { listCustomers } from '../../../client/src/index.js';
import { call, type Client } from '../api';
import { formatTime, RESOURCE_LABELS } from '../labels';
import { href } from '../router';
import { Loading, PageTitle, ProblemBox, useLoad } from '../ui';

const PAGE_SIZE = 20;

/** Customers: friendly names, prefix search, keyset paging, self-purchase and Cost Management. */
export function CustomersPage({ client, onSignIn }: { client: Client; onSignIn: () => void }) {
  const [search, setSearch] = useState('');
  const [typed, setTyped] = useState('');
  // The continuation tokens of the pages before this one, so Previous goes back exactly.
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const continuation = pages[pages.length - 1];
  const [loaded] = useLoad(
    () => call(listCustomers({ client, query: { size: PAGE_SIZE, ...(search ? { search } : {}), ...(continuation ? { continuation } : {}) } })),
    [client, search, continuation],
  );

  return (
    <>
      <PageTitle>Customers</PageTitle>
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(typed.trim());
          setPages([undefined]);
        }}
      >
        <label for="search">Search by company name or domain (starts with)</label>
        <div class="row">
          <input id="search" type="search" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
          <button type="submit">Search</button>
        </div>
      </form>
      {loaded.state === 'loading' && <Loading what="customers" />}
      {loaded.state === 'failed' && <ProblemBox problem={loaded.problem} onSignIn={onSignIn} />}
      {loaded.state === 'ok' && (
        <>
          {loaded.data.items.length === 0 ? (
            <p class="empty">{search ? `No customer's name or domain starts with “${search}”.` : 'No customers yet.'}</p>
          ) : (
            <table class="list">
              <caption class="visually-hidden">Customers{search ? ` starting with “${search}”` : ''}, page {pages.length}</caption>
              <thead>
                <tr>
                  <th scope="col">Company name</th>
                  <th scope="col">Domain</th>
                  <th scope="col">Self-purchase</th>
                  <th scope="col">Cost Management</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <a href={href(`/customers/${c.id}`)}>{c.companyName}</a>
                    </th>
                    <td>{c.domain}</td>
                    <td>{c.selfPurchase.resources.length === 0 ? 'Not allowed' : c.selfPurchase.resources.map((r) => RESOURCE_LABELS[r] ?? r).join(', ')}</td>
                    <td>{c.costManagement.enabled ? 'Enabled' : 'Disabled'}</td>
                    <td>{formatTime(c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
              Previous page
            </button>
            <span>Page {pages.length}</span>
            <button type="button" disabled={!loaded.data.continuationToken} onClick={() => setPages([...pages, loaded.data.continuationToken])}>
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}
