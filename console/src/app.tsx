import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiClient } from './api';
import { AccountPage } from './pages/account';
import { AuditFeedPage } from './pages/audit-feed';
import { CustomersPage } from './pages/customers';
import { HistoryPage } from './pages/history';
import { OperationsPage } from './pages/operations';
import { SignInPage } from './pages/sign-in';
import { href, navigate, onLinkClick, usePath } from './router';
import { allows, expired, loadSession, saveSession, type Session } from './session';
import { PageTitle } from './ui';

export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [notice, setNotice] = useState<string>();
  const client = useMemo(() => session && apiClient(session.token), [session]);

  const signOut = (message?: string) => {
    saveSession(undefined);
    setSession(undefined);
    setNotice(message);
    navigate('/sign-in');
  };

  useEffect(() => {
    if (session && expired(session)) signOut('Your token expired: sign in again.');
    else if (session && (path === '/' || path === '/sign-in' || path === '/customers/')) navigate('/customers', true);
  }, [session, path]);

  if (!session || !client) {
    return (
      <Shell>
        <SignInPage
          notice={notice}
          onSignedIn={(signedIn) => {
            saveSession(signedIn);
            setSession(signedIn);
            setNotice(undefined);
          }}
        />
      </Shell>
    );
  }

  const onSignIn = () => signOut('Sign in again to go on.');
  const customer = /^\/customers\/([^/]+)(\/history)?\/?$/.exec(path);
  let page;
  if (path === '/' || path === '/sign-in' || path === '/customers' || path === '/customers/') {
    page = <CustomersPage client={client} onSignIn={onSignIn} />;
  } else if (customer) {
    const id = decodeURIComponent(customer[1]);
    page = customer[2] ? (
      <HistoryPage key={`h-${id}`} client={client} session={session} id={id} onSignIn={onSignIn} />
    ) : (
      <AccountPage key={`a-${id}`} client={client} session={session} id={id} onSignIn={onSignIn} />
    );
  } else if (path === '/audit') {
    page = <AuditFeedPage client={client} onSignIn={onSignIn} />;
  } else if (path === '/operations') {
    page = <OperationsPage client={client} onSignIn={onSignIn} />;
  } else {
    page = (
      <>
        <PageTitle>Page not found</PageTitle>
        <p>
          There is no console page at <code>{path}</code>. <a href={href('/customers')}>Go to the customers</a>.
        </p>
      </>
    );
  }

  return (
    <Shell session={session} onSignOut={() => signOut()}>
      {page}
    </Shell>
  );
}

function Shell({ session, onSignOut, children }: { session?: Session; onSignOut?: () => void; children: ComponentChildren }) {
  const path = usePath();
  const current = (prefix: string) => (path.startsWith(prefix) ? 'page' : undefined);
  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Customer accounts</span>
        {session && (
          <>
            <nav aria-label="Main">
              <a href={href('/customers')} aria-current={current('/customers')}>
                Customers
              </a>
              {allows(session, 'audit') && (
                <a href={href('/audit')} aria-current={current('/audit')}>
                  Audit feed
                </a>
              )}
              {allows(session, 'operate') && (
                <a href={href('/operations')} aria-current={current('/operations')}>
                  Operations
                </a>
              )}
            </nav>
            <div class="who">
              <span>
                <code>{session.actor.sub}</code> · {session.actor.partnerId} · {session.actor.partnerType} · {session.actor.roles.join(', ')}
              </span>
              <button type="button" class="quiet" onClick={onSignOut}>
                Sign out
              </button>
            </div>
          </>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
