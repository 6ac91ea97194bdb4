import type { IncomingMessage } from 'node:http';

/** What this API accepts in a free-form header it echoes or stores: 1–128 visible ASCII characters. */
export const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;

/** A request header's first value, by its lower-case name. */
export function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The correlation id the caller sent, unchecked: `X-Correlation-Id`, or Partner Center's `MS-CorrelationId`. */
export function sentCorrelationId(request: IncomingMessage): string | undefined {
  return headerOf(request, 'x-correlation-id') ?? headerOf(request, 'ms-correlationid');
}
