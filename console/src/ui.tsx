import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Outcome, Problem } from './api';
import { href } from './router';

/** An API error: its title and detail, each bad field, and a way out for an expired sign-in. */
export function ProblemBox({ problem, onSignIn }: { problem: Problem; onSignIn?: () => void }) {
  return (
    <div class="problem" role="alert">
      <p class="problem-title">{problem.title}</p>
      {problem.detail && <p>{problem.detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.field}>
              <code>{e.field}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      {problem.status === 401 && onSignIn && (
        <button type="button" onClick={onSignIn}>
          Sign in again
        </button>
      )}
    </div>
  );
}

/** A value that may be missing (—) or erased with the customer's personal data (null). */
export function Shown({ value }: { value: string | null | undefined }) {
  if (value === null) return <span class="erased">erased</span>;
  if (value === undefined || value === '') return <span class="missing">—</span>;
  return <>{value}</>;
}

/** The page's heading, focused when the page opens so screen readers and keyboards start there. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
    document.title = `${ref.current?.textContent ?? ''} · Customer accounts`;
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function Breadcrumb({ items }: { items: readonly { label: string; path?: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" class="breadcrumb">
      <ol>
        {items.map((item, i) => (
          <li key={i}>
            {item.path && i < items.length - 1 ? (
              <a href={href(item.path)}>{item.label}</a>
            ) : (
              <span aria-current={i === items.length - 1 ? 'page' : undefined}>{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T; response: Response } | { state: 'failed'; problem: Problem };

/** Loads on mount and whenever `deps` change, keeping what is shown meanwhile; `reload` loads again. */
export function useLoad<T>(load: () => Promise<Outcome<T>>, deps: readonly unknown[]): [Loaded<T>, () => Promise<void>] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    const outcome = await load();
    // An answer to a request made before a newer one is dropped, so a slow page never wins.
    if (mine !== generation.current) return;
    setLoaded(outcome.ok ? { state: 'ok', data: outcome.data, response: outcome.response } : { state: 'failed', problem: outcome.problem });
  }, deps);
  useEffect(() => {
    // What is shown stays until the new answer replaces it: no flash, and focus stays where it was.
    void reload();
  }, [reload]);
  return [loaded, reload];
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** Saves a file the API streamed (an export) without putting the token in a URL. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
