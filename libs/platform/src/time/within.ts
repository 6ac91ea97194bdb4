/**
 * Settles as `promise` does, or rejects with `onTimeout()` once `ms` have passed (never, for an
 * infinite `ms`). The promise is not cancelled: it may still settle later, with no one waiting
 * for its outcome, so a late failure is not reported as unhandled.
 */
export function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  if (!Number.isFinite(ms)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
