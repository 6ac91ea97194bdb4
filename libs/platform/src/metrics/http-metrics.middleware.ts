import type { NextFunction, Request, Response } from 'express';
import { routeOf } from '../logging/request-logging';
import { Metrics } from './metrics';

/**
 * Counts and times every request, rejected ones included, by its route pattern (never the raw
 * path, which holds ids). The pattern is known only once routing has run, so it is read at finish.
 */
export function httpMetrics(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const route = routeOf(request);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: request.method, route }, seconds);
      metrics.httpRequests.inc({ method: request.method, route, status: String(response.statusCode) });
      // Whatever refuses it (a throttler guard, a proxy-facing limit), a 429 is a rate-limited request.
      if (response.statusCode === 429) metrics.httpRateLimited.inc({ route });
    });
    next();
  };
}
