import { Fragment } from 'preact';
import { getReadiness, listProjections } from '../../../client/src/index.js';
import { call, type Client } from '../api';
import { Loading, PageTitle, ProblemBox, useLoad } from '../ui';

/** For admin agents: each projection's generation, checkpoint and lag, and the service's readiness. */
export function OperationsPage({ client, onSignIn }: { client: Client; onSignIn: () => void }) {
  const [projections, reloadProjections] = useLoad(() => call(listProjections({ client })), [client]);
  // Readiness answers 503 with the same body when something is down: show the checks either way.
  const [ready, reloadReady] = useLoad(async () => {
    type Readiness = { status: string; checks?: Record<string, string> };
    const result = await getReadiness({ client });
    const data = (result.data ?? result.error) as Readiness | undefined;
    return { ok: true as const, data, response: result.response ?? new Response() };
  }, [client]);

  return (
    <>
      <PageTitle>Operations</PageTitle>
      <button type="button" onClick={() => (void reloadProjections(), void reloadReady())}>
        Refresh
      </button>
      <section class="card" aria-labelledby="projections">
        <h2 id="projections">Projections</h2>
        {projections.state === 'loading' && <Loading what="the projections" />}
        {projections.state === 'failed' && <ProblemBox problem={projections.problem} onSignIn={onSignIn} />}
        {projections.state === 'ok' && (
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Projection</th>
                <th scope="col">Generation</th>
                <th scope="col">Checkpoint</th>
                <th scope="col">Head of the log</th>
                <th scope="col">Lag (events)</th>
                <th scope="col">Lag (seconds)</th>
                <th scope="col">Parked events</th>
              </tr>
            </thead>
            <tbody>
              {projections.data.items.map((p) => (
                <tr key={p.name}>
                  <th scope="row">{p.name}</th>
                  <td>{p.generation}</td>
                  <td>
                    <code>{p.checkpoint ?? 'none yet'}</code>
                  </td>
                  <td>
                    <code>{p.head ?? 'empty log'}</code>
                  </td>
                  <td>
                    {p.lagEventsAtLeast ? 'at least ' : ''}
                    {p.lagEvents}
                  </td>
                  <td>{p.lagSeconds}</td>
                  <td>{p.parkedEvents}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="hint">
          Parked events: events a projection could not apply, set aside so the view goes on. List, retry or skip them with{' '}
          <code>npm run cli -- parked list|retry|skip</code>.
        </p>
      </section>
      <section class="card" aria-labelledby="readiness">
        <h2 id="readiness">Readiness</h2>
        {ready.state === 'ok' && ready.data ? (
          <dl>
            <dt>Status</dt>
            <dd>{ready.data.status}</dd>
            {Object.entries(ready.data.checks ?? {}).map(([name, state]) => (
              <Fragment key={name}>
                <dt>{name}</dt>
                <dd>{state}</dd>
              </Fragment>
            ))}
          </dl>
        ) : (
          <Loading what="readiness" />
        )}
      </section>
    </>
  );
}
