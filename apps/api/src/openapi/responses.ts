import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './schemas';

/** The stable `code` values, by the status they come with (see ProblemFilter). */
export const PROBLEM_CODES = {
  400: ['VALIDATION_FAILED', 'MALFORMED_JSON', 'BODY_TOO_DEEP', 'BAD_REQUEST'],
  401: ['UNAUTHENTICATED'],
  403: ['FORBIDDEN'],
  404: ['CUSTOMER_NOT_FOUND'],
  409: ['CUSTOMER_ALREADY_EXISTS'],
  412: ['REVISION_CONFLICT'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
  422: ['IDEMPOTENCY_KEY_REUSED'],
  428: ['PRECONDITION_REQUIRED'],
  503: ['CONTENDED', 'VIEW_NOT_CAUGHT_UP', 'STORE_UNAVAILABLE'],
  507: ['STORAGE_FULL'],
} as const;

type Status = keyof typeof PROBLEM_CODES;

const DESCRIPTIONS: Record<Status, string> = {
  400: 'The request is malformed or a field is invalid; `errors` lists every bad field.',
  401: 'No valid bearer token.',
  403: "The caller's partner type or roles do not allow this.",
  404: "No such customer for the caller's partner (another partner's customer looks the same).",
  409: 'This partner already has a relationship with this tenant.',
  412: 'If-Match named another revision than the current one.',
  413: 'The body is over 64 KiB.',
  415: 'The body is not JSON.',
  422: 'The Idempotency-Key was used before with another route or body.',
  428: 'This write needs If-Match with the revision read (its ETag).',
  503: 'Try again shortly (see Retry-After); STORE_UNAVAILABLE names the store that is out in `store`.',
  507: 'The disk of an embedded store is full; nothing was written. Retry once space is freed (see Retry-After).',
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } } };

/**
 * The error answers an operation can give, as application/problem+json with the problem schema and
 * the codes that status can carry here. `codes` narrows a status to some of its codes.
 */
export function ApiProblems(statuses: readonly Status[], codes: Partial<Record<Status, readonly string[]>> = {}) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        headers: status === 503 || status === 507 ? RETRY_AFTER : undefined,
        content: {
          'application/problem+json': {
            schema: {
              allOf: [
                { $ref: getSchemaPath(ProblemDto) },
                { type: 'object', properties: { status: { type: 'integer', enum: [status] }, code: { type: 'string', enum: [...(codes[status] ?? PROBLEM_CODES[status])] } } },
              ],
            },
          },
        },
      }),
    ),
  );
}
