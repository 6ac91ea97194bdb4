import { Attributes, context, Context, Link, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Metrics, StoreLabel } from '../metrics/metrics';

// A no-op until tracing/startTracing registers the SDK (the API's proxy hands over then).
const tracer = trace.getTracer('customer-accounts');

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly links?: Link[];
  /** Parent other than the active context (a stored event's trace). */
  readonly parent?: Context;
}

/** Runs `work` in a span, active for what it calls; a failure is recorded on it and rethrown. */
export function traced<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  const { parent = context.active(), ...rest } = options;
  return tracer.startActiveSpan(name, { attributes, ...rest }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Starts a span the caller ends (one that outlives a function call, such as a projected event's). */
export function startSpan(name: string, attributes: Attributes, options: SpanOptions = {}): Span {
  const { parent = context.active(), ...rest } = options;
  return tracer.startSpan(name, { attributes, ...rest }, parent);
}

export function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
}

/** One store operation: a span named `<store> <operation>` and its latency in the store histogram. */
export function observeStore<T>(metrics: Metrics, store: StoreLabel, operation: string, attributes: Attributes, run: (span: Span) => Promise<T>): Promise<T> {
  return traced(`${store} ${operation}`, { 'store.name': store, 'store.operation': operation, ...attributes }, (span) => metrics.timed(store, operation, () => run(span)));
}

/** The W3C trace context (traceparent, tracestate) of the active span, to store with what it causes; {} untraced. */
export function currentTraceContext(): { traceparent?: string; tracestate?: string } {
  const carrier: { traceparent?: string; tracestate?: string } = {};
  propagation.inject(context.active(), carrier, {
    set: (c, key, value) => {
      if (key === 'traceparent' || key === 'tracestate') c[key] = value;
    },
  });
  return carrier;
}

/** The context a stored trace context names; the root context when there is none or tracing is off. */
export function storedTraceContext(stored: { traceparent?: string; tracestate?: string }): Context {
  if (!stored.traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, stored);
}

/** Flushes the spans still buffered when the application stops (the process exits right after). */
export async function flushTraces(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  await provider.getDelegate?.().forceFlush?.();
}

export { SpanKind };
