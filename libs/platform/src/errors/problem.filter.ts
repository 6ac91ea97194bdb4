import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { CustomerAlreadyExists, CustomerNotFound, DomainError, Forbidden, ValidationError } from '@app/domain';
import type { Request, Response } from 'express';
import {
  ApplicationError,
  IdempotencyKeyReused,
  PreconditionRequired,
  RateLimited,
  RevisionConflict,
  TooMuchContention,
  ViewNotCaughtUp,
} from './application-errors';
import type { LoggedProblem } from '../logging/request-logging';
import { Problem } from './problem';
import { StorageFull, StoreUnavailable } from '../stores/store-errors';

const DOMAIN_STATUS = new Map<Function, [number, string]>([
  [CustomerNotFound, [404, 'Customer not found']],
  [CustomerAlreadyExists, [409, 'Customer already exists']],
  [Forbidden, [403, 'Forbidden']],
]);

const APPLICATION_PROBLEMS = new Map<Function, (error: ApplicationError) => Problem>([
  [RevisionConflict, (e) => new Problem(412, 'REVISION_CONFLICT', 'Revision conflict', e.message)],
  [PreconditionRequired, (e) => new Problem(428, 'PRECONDITION_REQUIRED', 'Precondition required', e.message)],
  [IdempotencyKeyReused, (e) => new Problem(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency key reused', e.message)],
  [TooMuchContention, (e) => retryLater(e as TooMuchContention, 'CONTENDED', 'Too much contention')],
  [ViewNotCaughtUp, (e) => retryLater(e as ViewNotCaughtUp, 'VIEW_NOT_CAUGHT_UP', 'View not caught up')],
  [StoreUnavailable, (e) => retryLater(e as StoreUnavailable, 'STORE_UNAVAILABLE', 'Store unavailable', { store: (e as StoreUnavailable).store })],
  // 507: the request was fine and the store is up, but it cannot take more until space is freed.
  [StorageFull, (e) => retryLater(e as StorageFull, 'STORAGE_FULL', 'Storage full', { store: (e as StorageFull).store }, 507)],
  [RateLimited, (e) => retryLater(e as RateLimited, 'RATE_LIMITED', 'Too many requests', {}, 429)],
]);

function retryLater(
  error: ApplicationError & { readonly retryAfterSeconds: number },
  code: string,
  title: string,
  extensions: Record<string, unknown> = {},
  status = 503,
): Problem {
  return new Problem(status, code, title, error.message, { 'Retry-After': String(error.retryAfterSeconds) }, undefined, extensions);
}

// Statuses Nest or Express raise themselves, each with our stable code.
const HTTP_CODES: Record<number, [string, string]> = {
  400: ['BAD_REQUEST', 'Bad request'],
  404: ['NOT_FOUND', 'Not found'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  413: ['PAYLOAD_TOO_LARGE', 'Payload too large'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  // The throttler's own ThrottlerException, should anything raise it instead of RateLimited.
  429: ['RATE_LIMITED', 'Too many requests'],
};

/**
 * The one place errors become RFC 9457 problem+json. It logs nothing itself: it leaves the problem
 * (and, for an unexpected failure, the error with its stack) on the response for the request's
 * one log line.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const problem = this.toProblem(error, request);
    response.locals.problem = { code: problem.code, detail: problem.message } satisfies LoggedProblem;
    // Failures this service expects and answers honestly (a store out, contention) are not bugs:
    // they are logged once per episode where they are detected, not with a stack per request.
    if (problem.status >= 500 && !(error instanceof Problem) && !(error instanceof ApplicationError)) response.err = error instanceof Error ? error : new Error(String(error));
    if (response.headersSent) return;
    response
      .status(problem.status)
      .set({ ...problem.headers, 'Content-Type': 'application/problem+json' })
      .send(
        JSON.stringify({
          type: `/problems/${problem.code.toLowerCase().replace(/_/g, '-')}`,
          title: problem.title,
          status: problem.status,
          detail: problem.message,
          code: problem.code,
          ...(problem.errors ? { errors: problem.errors } : {}),
          ...problem.extensions,
        }),
      );
  }

  private toProblem(error: unknown, request: Request): Problem {
    if (error instanceof Problem) return error;
    if (error instanceof ApplicationError) return APPLICATION_PROBLEMS.get(error.constructor)!(error);
    if (error instanceof ValidationError) return new Problem(400, error.code, 'Validation failed', error.message, {}, error.errors);
    if (error instanceof DomainError) {
      const [status, title] = DOMAIN_STATUS.get(error.constructor) ?? [400, 'Bad request'];
      return new Problem(status, error.code, title, error.message);
    }
    // Nest wraps the body parser's error in a BadRequestException and keeps it as the cause.
    if (isJsonParseError(error) || (error instanceof HttpException && isJsonParseError(error.cause))) {
      return new Problem(400, 'MALFORMED_JSON', 'Malformed JSON', 'The request body is not valid JSON.');
    }
    const status = error instanceof HttpException ? error.getStatus() : statusOf(error);
    if (status && HTTP_CODES[status]) {
      const [code, title] = HTTP_CODES[status];
      const detail = status === 404 ? `No route ${request.method} ${request.path}.` : messageOf(error) ?? title;
      return new Problem(status, code, title, detail);
    }
    return new Problem(500, 'INTERNAL_ERROR', 'Internal server error', 'Something went wrong on our side.');
  }
}

function isJsonParseError(error: unknown): boolean {
  return (error as { type?: unknown } | null)?.type === 'entity.parse.failed';
}

/** Errors from Express middleware (body parser) carry their status on the error. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function messageOf(error: unknown): string | undefined {
  if (error instanceof HttpException) {
    const body = error.getResponse();
    return typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? error.message);
  }
  return error instanceof Error ? error.message : undefined;
}
