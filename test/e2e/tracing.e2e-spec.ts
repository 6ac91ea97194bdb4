import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCustomer } from '../support/customers';
import { OtlpReceiver, ReceivedSpan, SPAN_KIND } from '../support/otlp-receiver';
import { killAll, randomSecret, send, ServiceProcess, startService } from '../support/service-process';
import { productionStores } from '../support/stores';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The OTEL_* variables an operator sets, pointing at the receiver; a short batch delay for the test. */
function otelEnv(endpoint: string, protocol: 'http/json' | 'http/protobuf', service: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_SERVICE_NAME: service,
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
}

describe(`traces: from the caller through the command to the view (${productionStores ? 'production stores' : 'embedded'})`, () => {
  const receiver = new OtlpReceiver();
  let service: ServiceProcess;
  let dataDir: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    dataDir = mkdtempSync(join(tmpdir(), 'tracing-'));
    service = await startService({ dataDir, secret: randomSecret(), env: otelEnv(endpoint, 'http/json', 'accounts-under-test') });
    auth = { Authorization: `Bearer ${await service.token({ partnerId: 'partner-traced', roles: ['admin-agent'] })}` };
  }, 60_000);
  afterAll(async () => {
    await killAll();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('continues the caller’s trace: SERVER span, command, idempotency, append, and each event’s projection in the same trace', async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const body = newCustomer();
    const established = await send(service, 'POST', '/v1/customers', { body, headers: { ...auth, traceparent: `00-${traceId}-${callerSpan}-01`, 'Idempotency-Key': `k-${traceId}` } }).outcome;
    expect(established.status).toBe(201);

    const inTrace = (spans: ReceivedSpan[]) => spans.filter((s) => s.traceId === traceId);
    const byName = (name: string) => (spans: ReceivedSpan[]) => inTrace(spans).find((s) => s.name === name);
    const server = await receiver.waitFor((spans) => inTrace(spans).find((s) => s.kind === SPAN_KIND.SERVER));
    expect(server).toEqual(expect.objectContaining({ service: 'accounts-under-test', parentSpanId: callerSpan }));

    const command = await receiver.waitFor(byName('command EstablishCustomerRelationship'));
    const stream = `customer-partner-traced-${body.tenantId}`;
    expect(command.attributes).toEqual(
      expect.objectContaining({ 'command.type': 'EstablishCustomerRelationship', 'customer.stream': stream, 'partner.id': 'partner-traced', 'customer.revision': 0, 'command.outcome': 'appended' }),
    );
    // The command runs inside the request: its ancestor chain reaches the SERVER span.
    const ancestors = (span: ReceivedSpan): string[] => {
      const parent = inTrace(receiver.spans).find((s) => s.spanId === span.parentSpanId);
      return parent ? [parent.spanId, ...ancestors(parent)] : [];
    };
    expect(ancestors(command)).toContain(server.spanId);

    const append = await receiver.waitFor(byName('event_store append'));
    expect(append.parentSpanId).toBe(command.spanId);
    expect(append.attributes).toEqual(expect.objectContaining({ 'customer.stream': stream, 'customer.revision': 0, 'event_store.events': 1 }));
    const reserve = await receiver.waitFor(byName('idempotency reserve'));
    expect(reserve.parentSpanId).toBe(command.spanId);
    expect(reserve.attributes['partner.id']).toBe('partner-traced');

    // Both projections project the event inside the command's trace, below the append that wrote it.
    const projected = await receiver.waitFor((spans) => {
      const found = inTrace(spans).filter((s) => s.name === 'project CustomerRelationshipEstablished');
      return found.length >= 2 ? found : undefined;
    });
    for (const span of projected) {
      expect(span).toEqual(expect.objectContaining({ kind: SPAN_KIND.CONSUMER, parentSpanId: append.spanId }));
      expect(span.attributes).toEqual(expect.objectContaining({ 'customer.stream': stream, 'customer.revision': 0 }));
      // ...and linked to the batch span that committed it.
      const batch = receiver.spans.find((s) => s.spanId === span.links[0]?.spanId);
      expect(batch?.name).toMatch(/^project (customer-list|account-detail)$/);
    }
    expect(new Set(projected.map((s) => s.attributes['projection.name']))).toEqual(new Set(['customer-list', 'account-detail']));

    // No span carries a value of the request body other than ids.
    const text = JSON.stringify(inTrace(receiver.spans));
    expect(text).not.toContain(body.companyName as string);
    expect(text).not.toContain(body.domain as string);
  });

  it('traces view reads in the caller’s trace', async () => {
    const traceId = hex(16);
    const listed = await send(service, 'GET', '/v1/customers', { headers: { ...auth, traceparent: `00-${traceId}-${hex(8)}-01` } }).outcome;
    expect(listed.status).toBe(200);
    const read = await receiver.waitFor((spans) => spans.find((s) => s.traceId === traceId && s.name === 'views list'));
    expect(read.attributes).toEqual(expect.objectContaining({ 'partner.id': 'partner-traced', 'view.name': 'customer-list', 'store.name': 'views' }));
  });

  // Only where there is a MongoDB driver to trace: the production-stores run of this suite.
  if (productionStores) it('traces the MongoDB driver’s commands, without their values', async () => {
    const mongo = await receiver.waitFor((spans) => {
      const found = spans.filter((s) => Object.values(s.attributes).includes('mongodb'));
      return found.length > 0 ? found : undefined;
    });
    // The views hold the company name; the driver's spans show the statements' shape, never values.
    expect(JSON.stringify(mongo)).not.toContain('Contoso Ltd');
  });
});

describe('traces over http/protobuf; nothing loaded without an endpoint', () => {
  afterAll(() => killAll());

  it('loads no OpenTelemetry SDK when no OTLP endpoint is set', () => {
    const telemetry = join(__dirname, '../../dist/libs/telemetry/src/index.js');
    const probe = `const t = require(${JSON.stringify(telemetry)}).startTracing('x', {});
      const loaded = Object.keys(require.cache).filter((k) => /@opentelemetry[\\/](sdk-node|instrumentation-http)/.test(k));
      process.stdout.write(JSON.stringify({ started: t !== undefined, loaded: loaded.length }));`;
    const result = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(result.stdout)).toEqual({ started: false, loaded: 0 });
  });

  it('exports http/protobuf when asked', async () => {
    const receiver = new OtlpReceiver();
    const endpoint = await receiver.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'tracing-proto-'));
    try {
      const service = await startService({ dataDir, secret: randomSecret(), env: otelEnv(endpoint, 'http/protobuf', 'accounts-proto') });
      const auth = { Authorization: `Bearer ${await service.token({ roles: ['admin-agent'] })}` };
      expect((await send(service, 'POST', '/v1/customers', { body: newCustomer(), headers: auth }).outcome).status).toBe(201);
      const request = await receiver.waitFor(() => receiver.requests.find((r) => r.contentType === 'application/x-protobuf' && r.bytes > 0));
      expect(request.bytes).toBeGreaterThan(100);
      await service.kill();
    } finally {
      await receiver.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
