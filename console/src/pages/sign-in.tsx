import { useEffect, useState } from 'preact/hooks';
import { listCustomers } from '../../../client/src/index.js';
import { apiClient, call, type Problem } from '../api';
import { expired, sessionOf, type Session } from '../session';
import { PageTitle, ProblemBox } from '../ui';

interface DevSignIn {
  readonly partnerTypes: readonly string[];
  readonly roles: readonly string[];
}

/** Sign-in with a pasted bearer token; on a development service also a development sign-in. */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice?: string }) {
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const [dev, setDev] = useState<DevSignIn>();

  useEffect(() => {
    // The development sign-in is no part of the API contract (and 404 on a configured service).
    fetch('/dev/token', { headers: { Accept: 'application/json' } })
      .then((res) => (res.ok ? (res.json() as Promise<DevSignIn>) : undefined))
      .then(setDev, () => undefined);
  }, []);

  async function signIn(token: string) {
    setProblem(undefined);
    const session = sessionOf(token);
    if (typeof session === 'string') return setProblem({ title: 'Not a token', detail: session });
    if (expired(session)) return setProblem({ title: 'Token expired', detail: 'This token has expired: get a new one.' });
    setBusy(true);
    // One cheap read that every role may make: the API checks the token, not the console.
    const checked = await call(listCustomers({ client: apiClient(session.token), query: { size: 1 } }));
    setBusy(false);
    if (!checked.ok) return setProblem(checked.problem);
    onSignedIn(session);
  }

  return (
    <div class="sign-in">
      <PageTitle>Sign in</PageTitle>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {problem && <ProblemBox problem={problem} />}
      <TokenForm busy={busy} onSubmit={signIn} />
      {dev && <DevForm dev={dev} busy={busy} onProblem={setProblem} onToken={signIn} />}
    </div>
  );
}

function TokenForm({ busy, onSubmit }: { busy: boolean; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(token);
      }}
    >
      <h2>With a bearer token</h2>
      <p class="hint">Paste a token from your identity provider. It stays in this browser tab only (session storage) and is never put in a URL.</p>
      <label for="token">Bearer token</label>
      <textarea id="token" name="token" rows={4} required autocomplete="off" spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

function DevForm({ dev, busy, onProblem, onToken }: { dev: DevSignIn; busy: boolean; onProblem: (p: Problem) => void; onToken: (token: string) => void }) {
  const [partnerId, setPartnerId] = useState('contoso-partner');
  const [partnerType, setPartnerType] = useState(dev.partnerTypes[0] ?? 'direct-csp');
  const [roles, setRoles] = useState<string[]>(['admin-agent']);
  const [sub, setSub] = useState('console-developer');

  async function submit(e: Event) {
    e.preventDefault();
    const res = await fetch('/dev/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ partnerId, partnerType, roles, sub }),
    }).catch((error: Error) => error);
    if (res instanceof Error) return onProblem({ title: 'The service could not be reached', detail: res.message });
    const body = (await res.json().catch(() => ({}))) as { token?: string } & Partial<Problem>;
    if (!res.ok || !body.token) return onProblem({ title: body.title ?? `${res.status}`, detail: body.detail ?? '', errors: body.errors, status: res.status });
    onToken(body.token);
  }

  return (
    <form class="card dev" onSubmit={submit} aria-labelledby="dev-title">
      <h2 id="dev-title">Development sign-in</h2>
      <p class="dev-warning">
        <strong>Development only.</strong> This service checks tokens against a secret it generated in its data folder, so it can mint one for you here. A
        service configured with a real key or identity provider has no such form.
      </p>
      <label for="dev-partner">Partner id</label>
      <input id="dev-partner" required value={partnerId} onInput={(e) => setPartnerId(e.currentTarget.value)} />
      <label for="dev-type">Partner type</label>
      <select id="dev-type" value={partnerType} onChange={(e) => setPartnerType(e.currentTarget.value)}>
        {dev.partnerTypes.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <fieldset>
        <legend>Roles</legend>
        {dev.roles.map((role) => (
          <label key={role} class="check">
            <input
              type="checkbox"
              name="roles"
              value={role}
              checked={roles.includes(role)}
              onChange={(e) => setRoles(e.currentTarget.checked ? [...roles, role] : roles.filter((r) => r !== role))}
            />
            {role}
          </label>
        ))}
      </fieldset>
      <label for="dev-sub">User (token subject)</label>
      <input id="dev-sub" required value={sub} onInput={(e) => setSub(e.currentTarget.value)} />
      <button type="submit" disabled={busy}>
        Sign in for development
      </button>
    </form>
  );
}
