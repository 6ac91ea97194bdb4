import { propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CustomerEvent, customerStream } from '@app/domain';
import { comparePositions, Position, positionKey, SqliteEventStore } from '@app/event-store';
import { embeddedViews } from './embedded/embedded-views';
import { ParkedEvents } from './parked-events';
import { ProjectionRunner } from './projection-runner';
import { customerListProjection } from './projections/customer-list/customer-list.projection';
import { retryParked } from './retry-parked';
import { events, metadata, toAppend } from './testing/events';
import { ViewPorts } from './view-ports';
import { toProjectedEvent } from './projected-event';
import { CustomerListItem, Projection } from './views';

const PARTNER = 'partner-contoso-csp';
const PARKED_AT = new Date('2026-12-04T10:00:00.000Z');

let dir: string;
let store: SqliteEventStore;
let views: ViewPorts;
let runner: ProjectionRunner<CustomerListItem> | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parking-'));
  store = new SqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 25 });
  views = embeddedViews(path.join(dir, 'views.sqlite'));
});

afterEach(async () => {
  await runner?.stop();
  runner = null;
  await views.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The customer list, but its fold throws on any rename to `name`: a projection bug for one event. */
function failingOn(name: string): Projection<CustomerListItem> {
  return {
    ...customerListProjection,
    evolve: (view, e) => {
      if (e.event.type === 'CustomerRenamed' && e.event.data.companyName === name) throw new Error(`cannot apply the rename to ${name}`);
      return customerListProjection.evolve(view, e);
    },
  };
}

function start(projection: Projection<CustomerListItem>, parkings: number[] = []): void {
  const hooks = {
    onError: (error: unknown) => {
      throw error;
    },
    onParked: (parked: readonly unknown[]) => parkings.push(parked.length),
  };
  runner = new ProjectionRunner({ projection, events: store, views: views.writer, hooks, retryMs: 10, clock: { now: () => PARKED_AT } });
  runner.start();
}

async function write(stream: string, event: { type: string; data: unknown }, traceparent?: string): Promise<Position> {
  const current = await store.readStream(stream);
  const expected = current.length === 0 ? 'no_stream' : current[current.length - 1].revision;
  return (await store.append(stream, [toAppend(event, { ...metadata({ partnerId: PARTNER }), traceparent })], expected)).position;
}

async function caughtUp(target: Position, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoint = await views.writer.checkpoint(customerListProjection);
    if (checkpoint && comparePositions(checkpoint, target) >= 0) return;
    if (Date.now() > deadline) throw new Error(`The checkpoint did not reach ${positionKey(target)}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function customer() {
  const tenantId = randomUUID();
  return { tenantId, stream: customerStream(PARTNER, tenantId), key: { partnerId: PARTNER, id: tenantId } };
}

const established = (c: { tenantId: string }, companyName: string): CustomerEvent => events.established({ tenantId: c.tenantId, partnerId: PARTNER, companyName });

describe('ProjectionRunner: an event the projection cannot apply is parked', () => {
  it('goes on past it: the document stays as before that event, later events fold on top, the checkpoint advances', async () => {
    const contoso = customer();
    const fabrikam = customer();
    await write(contoso.stream, established(contoso, 'Contoso Ltd'));
    const bad = await write(contoso.stream, events.renamed('Contoso Ltd', 'Broken'));
    await write(fabrikam.stream, established(fabrikam, 'Fabrikam'));
    const last = await write(contoso.stream, events.costManagementEnabled());
    const parkings: number[] = [];

    start(failingOn('Broken'), parkings);
    await caughtUp(last);

    const [item] = await views.writer.load(customerListProjection, [contoso.key]);
    expect(item).toMatchObject({ companyName: 'Contoso Ltd', costManagement: { enabled: true }, revision: 2, position: positionKey(last) });
    expect(await views.writer.load(customerListProjection, [fabrikam.key])).toHaveLength(1);
    const [recorded] = await store.readStream(contoso.stream, { fromRevision: 1n, maxCount: 1 });
    expect(await views.parked.parked(customerListProjection)).toStrictEqual([
      {
        projection: 'customer-list',
        generation: 1,
        position: positionKey(bad),
        stream: contoso.stream,
        revision: 1,
        type: 'CustomerRenamed',
        eventId: recorded.id,
        error: 'Error: cannot apply the rename to Broken',
        parkedAt: PARKED_AT.toISOString(),
      },
    ]);
    expect(await views.parked.countParked(customerListProjection)).toBe(1);
    expect(parkings).toEqual([1]);
  });

  it('parks an event of a known type but the wrong shape, naming it without its data', async () => {
    const contoso = customer();
    await write(contoso.stream, established(contoso, 'Contoso Ltd'));
    const bad = await write(contoso.stream, { type: 'CustomerRenamed', data: { companyName: 42, secret: 'ada@example.com' } });
    const last = await write(contoso.stream, events.renamed('Contoso Ltd', 'Contoso (EMEA)'));

    start(customerListProjection);
    await caughtUp(last);

    const [item] = await views.writer.load(customerListProjection, [contoso.key]);
    expect(item.companyName).toBe('Contoso (EMEA)');
    const [parked] = await views.parked.parked(customerListProjection);
    expect(parked).toMatchObject({ position: positionKey(bad), type: 'CustomerRenamed', revision: 1 });
    expect(parked.error).not.toContain('ada@example.com');
  });

  it('a retry folds the stream again: still failing, it stays parked; fixed, the document is right and the parking gone', async () => {
    const contoso = customer();
    await write(contoso.stream, established(contoso, 'Contoso Ltd'));
    await write(contoso.stream, events.renamed('Contoso Ltd', 'Broken'));
    const last = await write(contoso.stream, events.costManagementEnabled());
    start(failingOn('Broken'));
    await caughtUp(last);
    const [parked] = await views.parked.parked(customerListProjection);
    const stores = { events: store, writer: views.writer, parked: views.parked };

    expect(await retryParked(failingOn('Broken'), parked, stores)).toEqual({ retried: false, position: parked.position, error: 'Error: cannot apply the rename to Broken' });
    expect(await views.parked.countParked(customerListProjection)).toBe(1);

    // The fix is deployed (the real projection), while the live runner still has the old one.
    expect(await retryParked(customerListProjection, parked, stores)).toEqual({ retried: true, unparked: [parked.position] });
    const [item] = await views.writer.load(customerListProjection, [contoso.key]);
    expect(item).toMatchObject({ companyName: 'Broken', costManagement: { enabled: true }, position: positionKey(last) });
    expect(await views.parked.countParked(customerListProjection)).toBe(0);

    // Later events go on from the retried document.
    const renamed = await write(contoso.stream, events.renamed('Broken', 'Contoso again'));
    await caughtUp(renamed);
    expect((await views.writer.load(customerListProjection, [contoso.key]))[0].companyName).toBe('Contoso again');
  });

  it("marks the parked event's span, in the trace of the command that wrote it, as failed", async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const contoso = customer();
      const traceId = 'a'.repeat(32);
      await write(contoso.stream, established(contoso, 'Contoso Ltd'), `00-${traceId}-${'b'.repeat(16)}-01`);
      const last = await write(contoso.stream, events.renamed('Contoso Ltd', 'Broken'), `00-${traceId}-${'c'.repeat(16)}-01`);
      start(failingOn('Broken'));
      await caughtUp(last);

      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const byName = (name: string) => spans.find((s) => s.name === name)!;
      expect(byName('project CustomerRenamed')).toMatchObject({ attributes: expect.objectContaining({ 'projection.parked': true }), status: { code: SpanStatusCode.ERROR } });
      expect(byName('project CustomerRelationshipEstablished').status.code).not.toBe(SpanStatusCode.ERROR);
    } finally {
      trace.disable();
      propagation.disable();
    }
  });

  it('a retry undone by a batch the live projector read before it is done again', async () => {
    const contoso = customer();
    await write(contoso.stream, established(contoso, 'Contoso Ltd'));
    await write(contoso.stream, events.renamed('Contoso Ltd', 'Broken'));
    const parkedAt = await write(contoso.stream, events.selfPurchaseGranted('AzureSavingsPlan'));
    start(failingOn('Broken'));
    await caughtUp(parkedAt);
    await runner!.stop();
    const [parked] = await views.parked.parked(customerListProjection);
    const [before] = await views.writer.load(customerListProjection, [contoso.key]);

    // Right after the retry's write, a customer's event lands and a projector batch that loaded the
    // document before that write commits it on top of the old document.
    let raced = false;
    const racing: ParkedEvents = {
      parked: (view, generation) => views.parked.parked(view, generation),
      countParked: (view, generation) => views.parked.countParked(view, generation),
      unpark: (view, generation, position) => views.parked.unpark(view, generation, position),
      async replaceRetried(view, generation, document, expected, positions) {
        const written = await views.parked.replaceRetried(view, generation, document, expected, positions);
        if (written && !raced) {
          raced = true;
          const late = await write(contoso.stream, events.costManagementEnabled());
          const [e] = (await store.readStream(contoso.stream, { fromRevision: 3n })).map(toProjectedEvent);
          await views.writer.commit(customerListProjection, [customerListProjection.evolve(before, e!)!], late);
        }
        return written;
      },
    };

    expect(await retryParked(customerListProjection, parked, { events: store, writer: views.writer, parked: racing })).toEqual({ retried: true, unparked: [parked.position] });
    expect(raced).toBe(true);
    const [item] = await views.writer.load(customerListProjection, [contoso.key]);
    expect(item).toMatchObject({ companyName: 'Broken', selfPurchase: { resources: ['AzureSavingsPlan'] }, costManagement: { enabled: true }, revision: 3 });
  });
});
