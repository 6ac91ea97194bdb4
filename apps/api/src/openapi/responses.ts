import { applyDecorators, Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOperation, ApiParam, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { TENANT_ID } from '@app/domain';
import { ProblemDto, WriteResultDto } from './schemas';

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
  429: ['RATE_LIMITED'],
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
  429: "Over a rate limit: the partner's, or its address's for requests without a valid token (see Retry-After).",
  503: 'Try again shortly (see Retry-After); STORE_UNAVAILABLE names the store that is out in `store`.',
  507: 'The disk of an embedded store is full; nothing was written. Retry once space is freed (see Retry-After).',
};

/** Echoed on every answer: the caller's X-Correlation-Id, or the one generated for the request. */
export const CORRELATION = {
  'X-Correlation-Id': { description: 'The correlation id of the request: the caller’s, or a generated one.', required: true, schema: { type: 'string' } },
};
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying.', required: true, schema: { type: 'integer', minimum: 0 } } };

/**
 * The error answers an operation can give, as application/problem+json with the problem schema and
 * the codes that status can carry here. `codes` narrows a status to some of its codes. Every
 * operation behind a token (one that can answer 401) is rate limited too, so it also lists 429.
 */
export function ApiProblems(statuses: readonly Status[], codes: Partial<Record<Status, readonly string[]>> = {}) {
  const all = statuses.includes(401) ? [...statuses, 429 as const].sort((a, b) => a - b) : statuses;
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        headers: status === 503 || status === 507 || status === 429 ? { ...CORRELATION, ...RETRY_AFTER } : CORRELATION,
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

const HEADER_VALUE = '^[\\x21-\\x7e]{1,128}$';

/** Request headers every write reads (see write-headers.ts). */
export function ApiWriteHeaders(ifMatch: 'optional' | 'required') {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: ifMatch === 'required',
      description:
        ifMatch === 'required'
          ? 'The revision read, as its ETag (`"3"`): the write applies only at that revision (412 otherwise, 428 without).'
          : 'The revision read, as its ETag (`"3"`): the write applies only at that revision (412 otherwise). `*` means no condition.',
      schema: { type: 'string', pattern: '^\\s*(\\*|"\\d{1,18}")\\s*$', example: '"0"' },
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Makes the write safe to retry: the same key, route and body get the first answer (422 with another route or body).',
      schema: { type: 'string', pattern: HEADER_VALUE, example: 'rename-42' },
    }),
    ApiHeader({ name: 'MS-RequestId', required: false, description: "Partner Center's name for Idempotency-Key.", schema: { type: 'string', pattern: HEADER_VALUE } }),
    ApiCorrelationHeader(),
  );
}

/** The caller's correlation id: stored on the events the request writes, and echoed. */
export function ApiCorrelationHeader() {
  return applyDecorators(
    ApiHeader({
      name: 'X-Correlation-Id',
      required: false,
      description: "The caller's correlation id (alias MS-CorrelationId); generated when absent.",
      schema: { type: 'string', pattern: HEADER_VALUE, example: 'order-7f3a' },
    }),
  );
}

const ETAG = { ETag: { description: 'The revision, quoted (`"3"`): send it back as If-Match.', required: true, schema: { type: 'string', pattern: '^"\\d+"$' } } };

export interface WriteDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly body: Type<unknown>;
  readonly examples: Record<string, unknown>;
  readonly ifMatch?: 'optional' | 'required';
  readonly created?: boolean;
}

/** A command route: body, headers, the write answer with its headers, and every error it can give. */
export function ApiWrite(doc: WriteDoc) {
  const status = doc.created ? 201 : 200;
  return applyDecorators(
    ApiOperation({ operationId: doc.operationId, summary: doc.summary, description: doc.description }),
    ApiBody({ type: doc.body, examples: Object.fromEntries(Object.entries(doc.examples).map(([name, value]) => [name, { value }])) }),
    ApiWriteHeaders(doc.ifMatch ?? 'optional'),
    ApiExtraModels(WriteResultDto),
    ApiResponse({
      status,
      description: doc.created ? 'The relationship is established.' : 'Applied (or already applied: a write that changes nothing appends nothing).',
      type: WriteResultDto,
      headers: doc.created
        ? { ...CORRELATION, ...ETAG, Location: { description: 'The new customer.', required: true, schema: { type: 'string', example: '/v1/customers/3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' } } }
        : { ...CORRELATION, ...ETAG },
      links: doc.created ? CUSTOMER_LINKS : undefined,
    }),
    ApiProblems(
      doc.created
        ? [400, 401, 403, 409, 412, 413, 415, 422, 503]
        : [400, 401, 403, 404, 412, 413, 415, 422, ...(doc.ifMatch === 'required' ? ([428] as const) : []), 503],
      { 503: ['CONTENDED'] },
    ),
  );
}

export interface ReadDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly type: Type<unknown>;
  readonly problems: readonly Status[];
  readonly etag?: boolean;
}

/** A read route: its answer and every error it can give. */
export function ApiRead(doc: ReadDoc) {
  return applyDecorators(
    ApiOperation({ operationId: doc.operationId, summary: doc.summary, description: doc.description }),
    ApiCorrelationHeader(),
    ApiResponse({ status: 200, description: 'OK', type: doc.type, headers: doc.etag ? { ...CORRELATION, ...ETAG } : CORRELATION }),
    ApiProblems(doc.problems, { 503: ['VIEW_NOT_CAUGHT_UP'] }),
  );
}

// From an established relationship to the operations on that customer, for readers and for tools
// that chain calls (the fuzzer's stateful phase among them).
const BY_ID = { id: '$response.body#/id' };
const CUSTOMER_LINKS = {
  GetCustomer: { operationId: 'getCustomer', parameters: BY_ID, description: 'The account detail of the new customer.' },
  GetCompanyProfile: { operationId: 'getCompanyProfile', parameters: BY_ID },
  GetBillingProfile: { operationId: 'getBillingProfile', parameters: BY_ID },
  RenameCustomer: { operationId: 'renameCustomer', parameters: BY_ID },
  UpdateBillingProfile: {
    operationId: 'updateBillingProfile',
    parameters: { id: '$response.body#/id', 'header.If-Match': '$response.header.ETag' },
    description: 'Needs If-Match: the ETag of this answer.',
  },
  GrantSelfPurchase: { operationId: 'grantSelfPurchase', parameters: BY_ID },
  RevokeSelfPurchase: { operationId: 'revokeSelfPurchase', parameters: BY_ID },
  EnableCostManagement: { operationId: 'enableCostManagement', parameters: BY_ID },
  DisableCostManagement: { operationId: 'disableCostManagement', parameters: BY_ID },
  GetCustomerHistory: { operationId: 'getCustomerHistory', parameters: BY_ID },
  GetCustomerAsOf: { operationId: 'getCustomerAsOf', parameters: { id: '$response.body#/id', 'query.revision': '$response.body#/revision' } },
};

/** The `{id}` of a customer route: its tenant id, in any case. */
export function ApiCustomerId() {
  return ApiParam({ name: 'id', description: 'The customer id: its Microsoft Entra tenant id (a UUID, any case).', schema: { type: 'string', pattern: TENANT_ID.source, example: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' } });
}
