import { ValidationError } from '@app/domain';
import type { NextFunction, Request, Response } from 'express';
import { IdSource } from '../time/clock';

const HEADER_VALUE = /^[\x21-\x7e]{1,128}$/;

/** The request's correlation id, as `correlation` set it. */
export function correlationIdOf(request: Request): string {
  return (request as Request & { correlationId: string }).correlationId;
}

/**
 * Every request gets a correlation id: the caller's `X-Correlation-Id` (or Partner Center's
 * `MS-CorrelationId`), else a new one. It is echoed on every answer, errors included, and the
 * commands the request sends carry it onto their events. A malformed one is refused (400).
 */
export function correlation(ids: IdSource) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const given = header(request, 'x-correlation-id') ?? header(request, 'ms-correlationid');
    const valid = given === undefined || HEADER_VALUE.test(given);
    const id = valid && given !== undefined ? given : ids.next();
    (request as Request & { correlationId: string }).correlationId = id;
    response.setHeader('X-Correlation-Id', id);
    next(valid ? undefined : new ValidationError([{ field: 'X-Correlation-Id', message: 'must be 1–128 visible ASCII characters' }]));
  };
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
