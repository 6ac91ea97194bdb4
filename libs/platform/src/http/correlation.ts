import { ValidationError } from '@app/domain';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { aliasedHeader, headerOf } from './request-headers';

const CORRELATION_ID = Symbol('correlationId');

/**
 * First of all middleware: every request gets a correlation id (the caller's, when valid, or a
 * fresh one) and every answer, errors included, echoes it, under the name the caller used.
 * A malformed one is refused with 400.
 */
export function correlation(request: Request, response: Response, next: NextFunction): void {
  const sent = aliasedHeader(request, 'X-Correlation-Id', 'MS-CorrelationId');
  const id = sent.value ?? randomUUID();
  (request as unknown as Record<symbol, string>)[CORRELATION_ID] = id;
  response.setHeader('X-Correlation-Id', id);
  if (headerOf(request, 'ms-correlationid') !== undefined) response.setHeader('MS-CorrelationId', id);
  // A malformed one is refused on every route (the answer still echoes the id made instead).
  next(sent.problem ? new ValidationError([sent.problem]) : undefined);
}

/** The id `correlation` gave this request; undefined where the middleware did not run. */
export function correlationIdOf(request: IncomingMessage): string | undefined {
  return (request as unknown as Record<symbol, string | undefined>)[CORRELATION_ID];
}
