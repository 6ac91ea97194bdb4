import { useState } from 'preact/hooks';
import { exportAudit, getCustomer, getCustomerAsOf, getCustomerHistory, type AccountDetailDto, type HistoryItemDto } from '../../../client/src/index.js';
import { call, type Client, type Problem } from '../api';
import { fieldChanges, type FieldChange } from '../changes';
import { EVENT_LABELS, fieldLabel, formatTime } from '../labels';
import type { Session } from '../session';
import { Breadcrumb, download, Loading, PageTitle, ProblemBox, Shown, useLoad } from '../ui';
import { AccountTabs } from './account';
import { AccountSnapshot } from './account-sections';

const PAGE = 100;

/** An auditor's view of one customer: every change field by field, the account as of any moment, exports. */
export function HistoryPage({ client, session, id, onSignIn }: { client: Client; session: Session; id: string; onSignIn: () => void }) {
  const [pages, setPages] = useState(1);
  const [account] = useLoad(() => call(getCustomer({ client, path: { id } })), [client, id]);
  const [history] = useLoad(() => loadHistory(client, id, pages), [client, id, pages]);
  const [asOf, setAsOf] = useState<{ label: string; account?: AccountDetailDto; problem?: Problem }>();

  async function showAsOf(query: { at: string } | { revision: number }, label: string) {
    const outcome = await call(getCustomerAsOf({ client, path: { id }, query }));
    setAsOf(outcome.ok ? { label, account: outcome.data } : { label, problem: outcome.problem });
    requestAnimationFrame(() => document.getElementById('as-of-result')?.focus());
  }

  const name = account.state === 'ok' ? account.data.breadcrumbName : 'Customer';
  return (
    <>
      <Breadcrumb items={[{ label: 'Customers', path: '/customers' }, { label: name, path: `/customers/${id}` }, { label: 'History' }]} />
      <PageTitle>History</PageTitle>
      <AccountTabs id={id} session={session} current="history" />
      <Exports client={client} query={{ customer: id }} name={`customer-${id}`} />
      {history.state === 'loading' && <Loading what="the history" />}
      {history.state === 'failed' && <ProblemBox problem={history.problem} onSignIn={onSignIn} />}
      {history.state === 'ok' && (
        <>
          <Timeline items={history.data.items} onAsOf={(revision) => showAsOf({ revision }, `revision ${revision}`)} />
          {history.data.more && (
            <button type="button" onClick={() => setPages(pages + 1)}>
              Show older changes
            </button>
          )}
        </>
      )}
      <AsOfForm onShow={showAsOf} />
      {asOf && (
        <section class="as-of" aria-labelledby="as-of-result">
          <h2 id="as-of-result" tabIndex={-1}>
            The account as of {asOf.label}
          </h2>
          {asOf.problem && <ProblemBox problem={asOf.problem} onSignIn={onSignIn} />}
          {asOf.account && (
            <>
              <p class="meta">
                Revision {asOf.account.revision} · changed {formatTime(asOf.account.updatedAt)} by <code>{asOf.account.updatedBy}</code>
              </p>
              <AccountSnapshot account={asOf.account} />
            </>
          )}
        </section>
      )}
    </>
  );
}

/** The first `pages` pages from revision 0: the fold needs every earlier change to show what each one changed. */
async function loadHistory(client: Client, id: string, pages: number) {
  const items: HistoryItemDto[] = [];
  for (let page = 0; page < pages; page++) {
    const outcome = await call(getCustomerHistory({ client, path: { id }, query: { fromRevision: items.length, limit: PAGE } }));
    if (!outcome.ok) return outcome;
    items.push(...outcome.data.items);
    if (outcome.data.items.length < PAGE) return { ...outcome, data: { items, more: false } };
  }
  return { ok: true as const, data: { items, more: true }, response: new Response() };
}

function Timeline({ items, onAsOf }: { items: readonly HistoryItemDto[]; onAsOf: (revision: number) => void }) {
  const changes = fieldChanges(items);
  // Newest first, as an auditor reads a log.
  const rows = items.map((item, i) => ({ item, changes: changes[i] })).reverse();
  return (
    <table class="list timeline">
      <caption>Every change, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Revision</th>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Command</th>
          <th scope="col">What changed</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ item, changes }) => (
          <tr key={item.revision} data-revision={item.revision}>
            <td>
              {item.revision}
              <button type="button" class="link" onClick={() => onAsOf(item.revision)} aria-label={`Show the account as of revision ${item.revision}`}>
                as of
              </button>
            </td>
            <td>{formatTime(item.occurredAt)}</td>
            <td>
              <code>{item.actor.sub}</code>
              <span class="sub">{item.actor.roles.join(', ')}</span>
            </td>
            <td>
              {EVENT_LABELS[item.type] ?? item.type}
              <span class="sub">
                command <code>{item.commandId}</code>
              </span>
              <span class="sub">
                correlation <code>{item.correlationId}</code>
              </span>
            </td>
            <td>
              <Changes changes={changes} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Changes({ changes }: { changes: readonly FieldChange[] }) {
  if (changes.length === 0) return <span class="missing">no field changed</span>;
  return (
    <ul class="changes">
      {changes.map((c) => (
        <li key={c.field}>
          <span class="field-name">{fieldLabel(c.field)}</span>: <span class="before"><Shown value={c.before} /></span>
          <span aria-hidden="true"> → </span>
          <span class="visually-hidden"> changed to </span>
          <span class="after">
            <Shown value={c.after} />
          </span>
        </li>
      ))}
    </ul>
  );
}

function AsOfForm({ onShow }: { onShow: (query: { at: string } | { revision: number }, label: string) => void }) {
  const [by, setBy] = useState<'time' | 'revision'>('time');
  const [at, setAt] = useState('');
  const [revision, setRevision] = useState('0');
  return (
    <form
      class="card as-of-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (by === 'revision') return onShow({ revision: Number(revision) }, `revision ${revision}`);
        const instant = new Date(at);
        if (!at || Number.isNaN(instant.getTime())) return;
        onShow({ at: instant.toISOString() }, formatTime(instant.toISOString()));
      }}
    >
      <h2>As of</h2>
      <p class="hint">See the account exactly as it stood at a moment or after a revision, rebuilt from the events.</p>
      <fieldset>
        <legend>Pick</legend>
        <label class="check">
          <input type="radio" name="as-of-by" value="time" checked={by === 'time'} onChange={() => setBy('time')} /> a time
        </label>
        <label class="check">
          <input type="radio" name="as-of-by" value="revision" checked={by === 'revision'} onChange={() => setBy('revision')} /> a revision
        </label>
      </fieldset>
      {by === 'time' ? (
        <>
          <label for="as-of-at">Time (your local time)</label>
          <input id="as-of-at" type="datetime-local" step={1} required value={at} onInput={(e) => setAt(e.currentTarget.value)} />
        </>
      ) : (
        <>
          <label for="as-of-revision">Revision</label>
          <input id="as-of-revision" type="number" min={0} step={1} required value={revision} onInput={(e) => setRevision(e.currentTarget.value)} />
        </>
      )}
      <button type="submit">Show the account</button>
    </form>
  );
}

/** Export buttons: the API streams the file; it is saved from memory, so the token stays out of any URL. */
export function Exports({ client, query, name }: { client: Client; query: { customer?: string; from?: string; to?: string }; name: string }) {
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  async function run(format: 'csv' | 'ndjson') {
    setBusy(true);
    setProblem(undefined);
    const outcome = await call(exportAudit({ client, query: { ...query, format }, parseAs: 'blob' }));
    setBusy(false);
    if (!outcome.ok) return setProblem(outcome.problem);
    download(outcome.data as unknown as Blob, `${name}.${format}`);
  }
  return (
    <div class="exports">
      <button type="button" disabled={busy} onClick={() => run('csv')}>
        Export CSV
      </button>
      <button type="button" disabled={busy} onClick={() => run('ndjson')}>
        Export NDJSON
      </button>
      {problem && <ProblemBox problem={problem} />}
    </div>
  );
}
