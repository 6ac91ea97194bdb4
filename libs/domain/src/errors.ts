/** A field that failed validation, named by its path in the request (`defaultAddress.city`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The few typed failures the domain can decide; each carries a stable machine code. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** Also what another partner's customer looks like, so existence never leaks across partners. */
export class CustomerNotFound extends DomainError {
  readonly code = 'CUSTOMER_NOT_FOUND';
  constructor() {
    super('No such customer.');
  }
}

export class CustomerAlreadyExists extends DomainError {
  readonly code = 'CUSTOMER_ALREADY_EXISTS';
  constructor() {
    super('This partner already has a relationship with this customer tenant.');
  }
}

export class Forbidden extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(reason: string) {
    super(reason);
  }
}
