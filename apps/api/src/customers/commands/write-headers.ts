import { ValidationError } from '@app/domain';
import { aliasedHeader, headerOf } from '@app/platform';
import type { Request } from 'express';

/** What a write's request headers say about the command, read and checked in this one place (the correlation id: see `correlation` in @app/platform). */
export interface WriteHeaders {
  /** `Idempotency-Key`, or Partner Center's `MS-RequestId`. */
  readonly idempotencyKey?: string;
  /** The revision `If-Match` names; absent for no header or `*`. */
  readonly ifMatch?: bigint;
}

/** Reads the headers of a write, reporting every bad one at once. */
export function readWriteHeaders(request: Request): WriteHeaders {
  const idempotencyKey = aliasedHeader(request, 'Idempotency-Key', 'MS-RequestId');
  const ifMatch = headerOf(request, 'if-match');
  const invalid = [
    idempotencyKey.problem,
    ifMatch !== undefined && !IF_MATCH.test(ifMatch) ? { field: 'If-Match', message: 'must be an ETag such as "3"' } : undefined,
  ].filter((e) => e !== undefined);
  if (invalid.length > 0) throw new ValidationError(invalid);
  return { idempotencyKey: idempotencyKey.value, ifMatch: revisionOf(ifMatch) };
}

/** `"<revision>"` (the ETag this API sends) or `*` (any current revision, so no condition). */
const IF_MATCH = /^\s*(\*|"\d{1,18}")\s*$/;

function revisionOf(ifMatch: string | undefined): bigint | undefined {
  const revision = ifMatch === undefined ? undefined : /"(\d+)"/.exec(ifMatch)?.[1];
  return revision === undefined ? undefined : BigInt(revision);
}
