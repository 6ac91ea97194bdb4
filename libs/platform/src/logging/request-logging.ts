import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { correlationIdOf } from '../http/correlation';

/** What ProblemFilter leaves on the response for the request line: the problem's code and detail. */
export interface LoggedProblem {
  readonly code: string;
  readonly detail: string;
}

const SECURITY_EVENTS: Record<number, string> = { 401: 'authentication_failed', 403: 'access_denied', 429: 'rate_limited' };

/**
 * One line per request when it ends: method, path (never the query), route template, status,
 * latency, the caller's partner and subject, the correlation id and, when traced, the trace id.
 * Every other line logged while the request runs carries its correlation id too. 401, 403 and 429
 * are security events with their reason; headers and bodies are never logged.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp<Request, Response>({
    logger,
    // The request's logger is bound to its correlation id alone (one child logger, no request
    // object serialized per request): the request line adds the rest when the answer is sent.
    genReqId: (req) => correlationIdOf(req) ?? randomUUID(),
    customAttributeKeys: { reqId: 'correlationId' },
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (req, res, error) => {
      if (error || res.statusCode >= 500) return problemOf(res)?.code === 'INTERNAL_ERROR' || !problemOf(res) ? 'error' : 'warn';
      if (SECURITY_EVENTS[res.statusCode]) return 'warn';
      // Probes and scrapes would drown the request lines that matter.
      return /^\/(health|metrics)(\/|$)/.test(req.path) ? 'debug' : 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
    customSuccessObject: (req, res, { responseTime }) => requestLine(req, res, responseTime),
    customErrorObject: (req, res, _error, { responseTime, err }) => ({
      ...requestLine(req, res, responseTime),
      // Only a real failure carries a stack; a 503 the service chose (contention) does not.
      ...(res.err ? { err } : {}),
    }),
  });
}

function requestLine(req: Request, res: Response, responseTime: number): object {
  const actor = (req as { actor?: { partnerId: string; sub: string } }).actor;
  const problem = problemOf(res);
  const security = SECURITY_EVENTS[res.statusCode];
  return {
    method: req.method,
    path: req.path,
    route: routeOf(req),
    status: res.statusCode,
    responseTime,
    ...(actor ? { partnerId: actor.partnerId, sub: actor.sub } : {}),
    ...(problem ? { code: problem.code } : {}),
    ...(security ? { security: { event: security, reason: problem?.detail ?? 'denied' } } : {}),
  };
}

/** Nest answers a request no route matches from a catch-all of this pattern. */
const CATCH_ALL = '{/*splat}';

/** The route pattern (ids as `:id`), known once routing ran; `unmatched` for no route. */
export function routeOf(req: IncomingMessage): string {
  const path = (req as { route?: { path?: unknown } }).route?.path;
  return typeof path === 'string' && path !== CATCH_ALL ? path : 'unmatched';
}

function problemOf(res: ServerResponse): LoggedProblem | undefined {
  return (res as { locals?: { problem?: LoggedProblem } }).locals?.problem;
}
