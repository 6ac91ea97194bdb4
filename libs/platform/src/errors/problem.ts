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
    /** RFC 9457 extension members, e.g. which store was out. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

/** Problems raised at the HTTP edge itself (authentication); everything else is mapped in ProblemFilter. */
export const problems = {
  unauthenticated: (detail: string) =>
    new Problem(401, 'UNAUTHENTICATED', 'Authentication required', detail, { 'WWW-Authenticate': 'Bearer' }),
};
