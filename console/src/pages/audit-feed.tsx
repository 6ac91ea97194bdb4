import { useEffect, useState } from 'preact/hooks';
import { getAuditEvents, type AuditRecordDto, type GetAuditEventsData } from '../../../client/src/index.js';
import { call, type Client, type Problem } from '../api';
import { EVENT_LABELS, EVENT_TYPES, formatTime } from '../labels';
import { href } from '../router';
import { PageTitle, ProblemBox } from '../ui';
import { Exports } from './history';

type EventType = NonNullable<NonNullable<GetAuditEventsData['query']>['type']>;

interface Filters {
  readonly type: EventType | '';
  /** Local datetime-input values; empty means open. */
  readonly from: string;
  readonly to: string;
}

interface Feed {
  readonly items: AuditRecordDto[];
  readonly after?: string;
  readonly ended: boolean;
}

const PAGE = 100;
const WANTED = 50;
// A date filter is applied to the pages as they come (the feed is in log order, not indexed by
// date): one click reads at most this many pages before it stops and offers "Show more".
const MAX_PAGES_PER_CLICK = 20;

/** The partner's audit feed across all its customers, filtered by type (by the API) and date (here). */
export function AuditFeedPage({ client, onSignIn }: { client: Client; onSignIn: () => void }) {
  const [filters, setFilters] = useState<Filters>({ type: '', from: '', to: '' });
  const [draft, setDraft] = useState<Filters>(filters);
  const [feed, setFeed] = useState<Feed>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  async function load(applied: Filters, previous?: Feed) {
    setBusy(true);
    setProblem(undefined);
    const from = applied.from ? new Date(applied.from).toISOString() : undefined;
    const to = applied.to ? new Date(applied.to).toISOString() : undefined;
    const items = previous ? [...previous.items] : [];
    let after = previous?.after;
    let ended = false;
    for (let page = 0, found = 0; page < MAX_PAGES_PER_CLICK && found < WANTED && !ended; page++) {
      const query = { limit: PAGE, ...(after ? { after } : {}), ...(applied.type ? { type: applied.type } : {}) };
      const outcome = await call(getAuditEvents({ client, query }));
      if (!outcome.ok) {
        setProblem(outcome.problem);
        break;
      }
      after = outcome.data.nextAfter;
      const matching = outcome.data.items.filter((r) => (!from || r.occurredAt >= from) && (!to || r.occurredAt < to));
      items.push(...matching);
      found += matching.length;
      const last = outcome.data.items[outcome.data.items.length - 1];
      ended = outcome.data.items.length < PAGE || (to !== undefined && last !== undefined && last.occurredAt >= to);
    }
    setFeed({ items, after, ended });
    setBusy(false);
  }

  useEffect(() => void load(filters), [client]);

  const set = (patch: Partial<Filters>) => setDraft({ ...draft, ...patch });
  const exportRange = {
    from: filters.from ? new Date(filters.from).toISOString() : '1970-01-01T00:00:00Z',
    ...(filters.to ? { to: new Date(filters.to).toISOString() } : {}),
  };
  return (
    <>
      <PageTitle>Audit feed</PageTitle>
      <p class="hint">Every change to any of your partner's customers, oldest first.</p>
      <form
        class="card filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          void load(draft);
        }}
      >
        <div class="field">
          <label for="feed-type">Change type</label>
          <select id="feed-type" value={draft.type} onChange={(e) => set({ type: e.currentTarget.value as EventType | '' })}>
            <option value="">All types</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {EVENT_LABELS[t]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="feed-from">From (local time)</label>
          <input id="feed-from" type="datetime-local" step={1} value={draft.from} onInput={(e) => set({ from: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="feed-to">Until (local time, not included)</label>
          <input id="feed-to" type="datetime-local" step={1} value={draft.to} onInput={(e) => set({ to: e.currentTarget.value })} />
        </div>
        <button type="submit" disabled={busy}>
          Apply filters
        </button>
      </form>
      <Exports client={client} query={exportRange} name="audit-export" />
      {problem && <ProblemBox problem={problem} onSignIn={onSignIn} />}
      <div aria-live="polite" class="live">
        {busy && <p role="status">Loading the feed…</p>}
      </div>
      {feed && feed.items.length === 0 && !busy && <p class="empty">No changes match these filters{feed.ended ? '' : ' so far'}.</p>}
      {feed && feed.items.length > 0 && (
        <table class="list">
          <caption class="visually-hidden">Audit records</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Customer</th>
              <th scope="col">Revision</th>
              <th scope="col">Change</th>
              <th scope="col">Who</th>
              <th scope="col">Correlation id</th>
            </tr>
          </thead>
          <tbody>
            {feed.items.map((r) => (
              <tr key={r.position}>
                <td>{formatTime(r.occurredAt)}</td>
                <td>
                  <a href={href(`/customers/${r.customerId}/history`)}>
                    <code>{r.customerId}</code>
                  </a>
                </td>
                <td>{r.revision}</td>
                <td>{EVENT_LABELS[r.type] ?? r.type}</td>
                <td class="nowrap">
                  <code>{r.actor.sub}</code>
                </td>
                <td>
                  <code>{r.correlationId}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {feed && !feed.ended && (
        <button type="button" disabled={busy} onClick={() => load(filters, feed)}>
          Show more
        </button>
      )}
    </>
  );
}
