import { useState } from 'preact/hooks';
import {
  disableCostManagement,
  enableCostManagement,
  getCustomer,
  grantSelfPurchase,
  revokeSelfPurchase,
  type AccountDetailDto,
  type WriteResultDto,
} from '../../../client/src/index.js';
import { call, etagOf, type Client, type Outcome, type Problem } from '../api';
import { formatTime, RESOURCE_LABELS, RESOURCES } from '../labels';
import { href } from '../router';
import { allows, type Session } from '../session';
import { Breadcrumb, Loading, PageTitle, ProblemBox, useLoad } from '../ui';
import { BillingInfoView, CompanyInfo, selfPurchaseAllowed } from './account-sections';
import { BillingForm } from './billing-form';

export type Write = (label: string, send: (ifMatch: string) => Promise<Outcome<WriteResultDto>>) => Promise<Problem | undefined>;

/** The account page as Partner Center lays it out: breadcrumb, Company info, Billing info, and the two permissions. */
export function AccountPage({ client, session, id, onSignIn }: { client: Client; session: Session; id: string; onSignIn: () => void }) {
  // After a write, read at least up to it: the views are eventually consistent.
  const [minPosition, setMinPosition] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [conflict, setConflict] = useState(false);
  // After a 412 the account has moved past this revision: reload until the view shows the newer one.
  const [outdated, setOutdated] = useState<number>();
  const [loaded] = useLoad(async () => {
    for (let attempt = 0; ; attempt++) {
      const outcome = await call(getCustomer({ client, path: { id }, query: minPosition ? { minPosition } : {} }));
      if (!outcome.ok || outdated === undefined || outcome.data.revision > outdated || attempt >= 20) return outcome;
      await new Promise((r) => setTimeout(r, 250));
    }
  }, [client, id, minPosition, outdated]);
  const canWrite = allows(session, 'write');

  if (loaded.state === 'loading') return <Loading what="the account" />;
  if (loaded.state === 'failed') {
    return (
      <>
        <Breadcrumb items={[{ label: 'Customers', path: '/customers' }, { label: 'Account' }]} />
        <PageTitle>Account</PageTitle>
        <ProblemBox problem={loaded.problem} onSignIn={onSignIn} />
      </>
    );
  }
  const account = loaded.data;
  const etag = etagOf(loaded.response) ?? `"${account.revision}"`;

  // Every write names the revision this page shows: a change made meanwhile by anyone else is a 412, never overwritten.
  const write: Write = async (label, send) => {
    setSaved(undefined);
    setConflict(false);
    const outcome = await send(etag);
    if (!outcome.ok) {
      if (outcome.problem.status === 412) setConflict(true);
      return outcome.problem;
    }
    setSaved(`${label} (revision ${outcome.data.revision}).`);
    setMinPosition(outcome.data.position);
    return undefined;
  };

  return (
    <>
      <Breadcrumb items={[{ label: 'Customers', path: '/customers' }, { label: account.breadcrumbName, path: `/customers/${id}` }, { label: 'Account' }]} />
      <PageTitle>Account</PageTitle>
      <AccountTabs id={id} session={session} current="account" />
      <p class="meta">
        Revision {account.revision} · last changed {formatTime(account.updatedAt)} by <code>{account.updatedBy}</code>
      </p>
      {!canWrite && (
        <p class="notice read-only" role="note">
          Read-only. Changing customer information needs a direct CSP or indirect provider partner and the Admin agent or Sales agent role; you are signed
          in as <strong>{session.actor.partnerType}</strong> with {session.actor.roles.join(', ') || 'no roles'}.
        </p>
      )}
      <div aria-live="polite" class="live">
        {saved && <p class="saved">Saved: {saved}</p>}
      </div>
      {conflict && (
        <div class="problem conflict" role="alert">
          <p class="problem-title">Changed by someone else since you opened it</p>
          <p>This account was changed after you opened it, so your change was not saved. Reload to see the account as it is now, then make your change again.</p>
          <button
            type="button"
            onClick={() => {
              setConflict(false);
              setOutdated(account.revision);
            }}
          >
            Reload the account
          </button>
        </div>
      )}
      <div class="sections account-sections">
        <CompanyInfo account={account} />
        <section class="card billing" aria-labelledby="billing-info">
          <h2 id="billing-info">Billing info</h2>
          {canWrite ? <BillingForm client={client} account={account} write={write} /> : <BillingInfoView account={account} />}
        </section>
        <SelfPurchase client={client} account={account} canWrite={canWrite} write={write} />
        <CostManagement client={client} account={account} canWrite={canWrite} write={write} />
      </div>
    </>
  );
}

export function AccountTabs({ id, session, current }: { id: string; session: Session; current: 'account' | 'history' }) {
  if (!allows(session, 'audit')) return null;
  return (
    <nav class="tabs" aria-label="Customer">
      <a href={href(`/customers/${id}`)} aria-current={current === 'account' ? 'page' : undefined}>
        Account
      </a>
      <a href={href(`/customers/${id}/history`)} aria-current={current === 'history' ? 'page' : undefined}>
        History
      </a>
    </nav>
  );
}

function SelfPurchase({ client, account, canWrite, write }: { client: Client; account: AccountDetailDto; canWrite: boolean; write: Write }) {
  const [problem, setProblem] = useState<Problem>();
  const path = { id: account.id };
  return (
    <section class="card" aria-labelledby="self-purchase">
      <h2 id="self-purchase">Self-purchase</h2>
      <p class="hint">Whether the customer may buy these on its own.</p>
      {problem && problem.status !== 412 && <ProblemBox problem={problem} />}
      <table class="plain">
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">State</th>
            {canWrite && <th scope="col">Change</th>}
          </tr>
        </thead>
        <tbody>
          {RESOURCES.map((resource) => {
            const allowed = selfPurchaseAllowed(account, resource);
            const label = RESOURCE_LABELS[resource];
            return (
              <tr key={resource}>
                <th scope="row">{label}</th>
                <td>{allowed ? 'Allowed' : 'Not allowed'}</td>
                {canWrite && (
                  <td>
                    <button
                      type="button"
                      aria-label={`${allowed ? 'Revoke' : 'Grant'} self-purchase of ${label}`}
                      onClick={async () => {
                        const body = { resources: [resource] };
                        const send = allowed ? revokeSelfPurchase : grantSelfPurchase;
                        setProblem(await write(`${allowed ? 'revoked' : 'granted'} self-purchase of ${label}`, (ifMatch) => call(send({ client, path, headers: { 'If-Match': ifMatch }, body }))));
                      }}
                    >
                      {allowed ? 'Revoke' : 'Grant'}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function CostManagement({ client, account, canWrite, write }: { client: Client; account: AccountDetailDto; canWrite: boolean; write: Write }) {
  const [problem, setProblem] = useState<Problem>();
  const enabled = account.costManagement.enabled;
  const path = { id: account.id };
  return (
    <section class="card" aria-labelledby="cost-management">
      <h2 id="cost-management">Cost Management</h2>
      <p class="hint">Lets the customer see its Azure consumption at pay-as-you-go prices.</p>
      {problem && problem.status !== 412 && <ProblemBox problem={problem} />}
      <p>
        Cost Management is <strong>{enabled ? 'enabled' : 'disabled'}</strong>.
      </p>
      {canWrite && (
        <button
          type="button"
          onClick={async () => {
            const send = enabled ? disableCostManagement : enableCostManagement;
            setProblem(await write(`${enabled ? 'disabled' : 'enabled'} Cost Management`, (ifMatch) => call(send({ client, path, headers: { 'If-Match': ifMatch }, body: {} }))));
          }}
        >
          {enabled ? 'Disable Cost Management' : 'Enable Cost Management'}
        </button>
      )}
    </section>
  );
}
