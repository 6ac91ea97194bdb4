import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { DestinationStream, Logger } from 'pino';

export const LOG_LEVELS = ['info', 'fatal', 'error', 'warn', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogSettings {
  readonly level: LogLevel;
  /** JSON lines for machines; `pretty` (pino-pretty) only when a human asks for it. */
  readonly format: LogFormat;
}

// Nothing here logs a body, a header or an event's data. These paths are the second line of
// defence: a billing contact's personal data or a token put into a log object by mistake is
// censored rather than written.
const PERSONAL = ['contact', 'billingProfile', 'firstName', 'lastName', 'email', 'phoneNumber', 'defaultAddress', 'body', 'data'];
const SECRET = ['authorization', 'cookie', 'token'];
const REDACT = [...PERSONAL, ...SECRET].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]).concat(['req.headers', 'res.headers']);

/**
 * The process's root logger: JSON lines with an ISO time, the level as a word and, inside a traced
 * operation, its trace and span ids (so a log line leads to its trace).
 */
export function createLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  return pino(
    {
      level: settings.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
      mixin: traceIds,
    },
    destination ?? (settings.format === 'pretty' ? prettyStream() : pino.destination(1)),
  );
}

function traceIds(): object {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : {};
}

function prettyStream(): DestinationStream {
  // Loaded only when asked for: production logs JSON and never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as (options: object) => DestinationStream;
  return pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}
