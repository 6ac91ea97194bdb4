import { createClient } from '../../client/src/client/index.js';
import type { Client } from '../../client/src/client/index.js';

export type { Client };

/** An API error as the console shows it: the problem's title and detail, and any bad fields. */
export interface Problem {
  readonly title: string;
  readonly detail: string;
  readonly status?: number;
  readonly code?: string;
  readonly errors?: readonly { field: string; message: string }[];
}

export type Outcome<T> = { ok: true; data: T; response: Response } | { ok: false; problem: Problem };

/** The typed client, calling this same origin with the signed-in token. */
export function apiClient(token: string): Client {
  return createClient({ baseUrl: location.origin, auth: token });
}

type Result<T> = { data?: T; error?: unknown; response?: Response };

/** Turns the client's result into data or a problem, so no failure ends in a blank page. */
export async function call<T>(request: Promise<Result<T>>): Promise<Outcome<T>> {
  let result: Result<T>;
  try {
    result = await request;
  } catch (error) {
    return { ok: false, problem: problemOf(error, undefined) };
  }
  if (result.error === undefined && result.response?.ok) return { ok: true, data: result.data as T, response: result.response };
  return { ok: false, problem: problemOf(result.error, result.response) };
}

function problemOf(error: unknown, response: Response | undefined): Problem {
  if (typeof error === 'object' && error !== null && 'title' in error) {
    const p = error as Partial<Problem>;
    return { title: String(p.title), detail: String(p.detail ?? ''), status: p.status, code: p.code, errors: p.errors };
  }
  if (response) {
    return { title: `${response.status} ${response.statusText || 'Error'}`, detail: typeof error === 'string' && error ? error.slice(0, 500) : 'The service answered with an error.', status: response.status };
  }
  return { title: 'The service could not be reached', detail: error instanceof Error ? error.message : String(error) };
}

/** The revision an ETag names (`"6"`), to send back as If-Match. */
export function etagOf(response: Response): string | undefined {
  return response.headers.get('etag') ?? undefined;
}
