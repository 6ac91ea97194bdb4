import { FieldError } from '@app/domain';

/** An RFC 9457 problem the API answers with; `code` is the stable, machine-readable part. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly headers: Record<string, string> = {},
    readonly errors?: readonly FieldError[],
  ) {
    super(detail ?? title);
  }
}

export const problems = {
  unauthenticated: (detail: string) =>
    new Problem(401, 'UNAUTHENTICATED', 'Authentication required', detail, { 'WWW-Authenticate': 'Bearer' }),
  revisionConflict: (expected: bigint, actual: bigint) =>
    new Problem(412, 'REVISION_CONFLICT', 'Revision conflict', `If-Match named revision ${expected}; the customer is at revision ${actual}.`),
  preconditionRequired: () =>
    new Problem(428, 'PRECONDITION_REQUIRED', 'Precondition required', 'This write needs an If-Match header with the revision you read (ETag).'),
  contended: (retryAfterSeconds: number) =>
    new Problem(503, 'CONTENDED', 'Too much contention', 'Concurrent writes to this customer kept conflicting; retry shortly.', {
      'Retry-After': String(retryAfterSeconds),
    }),
  viewNotCaughtUp: (retryAfterSeconds: number) =>
    new Problem(503, 'VIEW_NOT_CAUGHT_UP', 'View not caught up', 'The view has not yet reached minPosition; retry shortly.', {
      'Retry-After': String(retryAfterSeconds),
    }),
  idempotencyKeyReused: () =>
    new Problem(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency key reused', 'This Idempotency-Key was used with another route or body.'),
  validation: (errors: readonly FieldError[]) =>
    new Problem(400, 'VALIDATION_FAILED', 'Validation failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {}, errors),
};
