import type { IncomingMessage } from 'node:http';

export interface Tracing {
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing from the standard `OTEL_*` variables alone (endpoint, protocol
 * `http/protobuf` or `http/json`, service name, sampler, resource attributes), before anything it
 * instruments is loaded. Without an OTLP endpoint it loads nothing and returns undefined: tracing
 * off costs nothing but a few no-op calls.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  // Required here, not imported: a process without tracing never loads the SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { MongoDBInstrumentation } = require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME, when set, wins (the SDK's environment detector reads it).
    serviceName: env.OTEL_SERVICE_NAME ? undefined : serviceName,
    instrumentations: [
      // Probes and scrapes every few seconds would bury the traces that matter.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request: IncomingMessage) => /^\/(health|metrics)(\/|$|\?)/.test(request.url ?? '') }),
      // Query values are replaced by `?` (no enhanced reporting): no personal data in spans.
      new MongoDBInstrumentation(),
    ],
    // Traces only: metrics are Prometheus' (/metrics) and logs are pino's (stdout).
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return sdk;
}
