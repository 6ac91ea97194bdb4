/**
 * Failures the application layer decides (the domain's own are in @app/domain). They know nothing
 * of HTTP: `ProblemFilter` is the one place that turns each into a status and a problem document.
 */
export abstract class ApplicationError extends Error {}

/** The caller's If-Match named a revision the customer is no longer (or not yet) at. */
export class RevisionConflict extends ApplicationError {
  constructor(
    readonly expected: bigint,
    readonly actual: bigint,
  ) {
    super(`If-Match named revision ${expected}; the customer is at revision ${actual}.`);
  }
}

/** A write that must name the revision it read (If-Match) did not. */
export class PreconditionRequired extends ApplicationError {
  constructor() {
    super('This write needs an If-Match header with the revision you read (ETag).');
  }
}

/** Concurrent writers to one stream kept winning; the caller may retry. */
export class TooMuchContention extends ApplicationError {
  constructor(readonly retryAfterSeconds: number) {
    super('Concurrent writes to this customer kept conflicting; retry shortly.');
  }
}

/** An idempotency key came back with another route or body. */
export class IdempotencyKeyReused extends ApplicationError {
  constructor() {
    super('This Idempotency-Key was used with another route or body.');
  }
}

/** The caller went over a rate limit; `reason` names which, for the problem's detail. */
export class RateLimited extends ApplicationError {
  constructor(
    readonly retryAfterSeconds: number,
    reason: string,
  ) {
    super(`${reason} Retry in ${retryAfterSeconds} s.`);
  }
}

/** A read-your-writes wait ran out before the view reached the position asked for. */
export class ViewNotCaughtUp extends ApplicationError {
  constructor(readonly retryAfterSeconds: number) {
    super('The view has not yet reached minPosition; retry shortly.');
  }
}
