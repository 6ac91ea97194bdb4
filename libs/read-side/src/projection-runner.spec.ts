import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CustomerEvent, customerStream } from '@app/domain';
import { comparePositions, EventStore, Position, positionKey, RecordedEvent, SqliteEventStore } from '@app/event-store';
import { embeddedViews } from './embedded/embedded-views';
import { toProjectedEvent } from './projected-event';
import { ProjectionRunner } from './projection-runner';
import { accountDetailProjection } from './projections/account-detail/account-detail.projection';
import { customerListProjection } from './projections/customer-list/customer-list.projection';
import { billingDetails, events, metadata, toAppend } from './testing/events';
import { ViewPorts } from './view-ports';
import { DocumentKey } from './view-writer';
import { CustomerListItem, Projection, ViewDocument } from './views';

const CONTOSO_CSP = 'partner-contoso-csp';
const FABRIKAM_RESELLER = 'partner-fabrikam-reseller';
const PROJECTIONS = [customerListProjection, accountDetailProjection] as const;

/** A relationship in the event store: its stream and how far it has been written. */
interface Customer {
  readonly partnerId: string;
  readonly tenantId: string;
  readonly stream: string;
  revision: bigint | 'no_stream';
}

let dir: string;
let clock = Date.parse('2025-03-01T09:00:00.000Z');
const opened: { close(): Promise<void> }[] = [];
const runners: { stop(): Promise<void> }[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projection-runner-'));
});

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  for (const store of opened.splice(0).reverse()) await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function eventStore(file = 'events.sqlite'): SqliteEventStore {
  const store = new SqliteEventStore(path.join(dir, file), { pollIntervalMs: 25 });
  opened.push(store);
  return store;
}

function viewStore(file = 'views.sqlite'): ViewPorts {
  const store = embeddedViews(path.join(dir, file));
  opened.push(store);
  return store;
}

function runner<V extends ViewDocument>(
  projection: Projection<V>,
  store: EventStore,
  views: ViewPorts,
  commits: { events: number; batches: number[] } = { events: 0, batches: [] },
): ProjectionRunner<V> {
  const hooks = {
    onCommitted: (_checkpoint: Position, n: number) => {
      commits.events += n;
      commits.batches.push(n);
    },
    onError: (error: unknown) => {
      throw error;
    },
  };
  const r = new ProjectionRunner({ projection, events: store, views: views.writer, hooks, retryMs: 10 });
  runners.push(r);
  return r;
}

function startBoth(store: EventStore, views: ViewPorts) {
  const counts = { 'customer-list': { events: 0, batches: [] as number[] }, 'account-detail': { events: 0, batches: [] as number[] } };
  const started = [
    runner(customerListProjection, store, views, counts['customer-list']),
    runner(accountDetailProjection, store, views, counts['account-detail']),
  ];
  started.forEach((r) => r.start());
  return { runners: started, counts };
}

async function stopAll(): Promise<void> {
  for (const r of runners.splice(0)) await r.stop();
}

function customer(partnerId: string, tenantId: string = randomUUID()): Customer {
  return { partnerId, tenantId, stream: customerStream(partnerId, tenantId), revision: 'no_stream' };
}

/** Appends one command's event as the API does: its own metadata, the stream's revision as expected. */
async function write(store: EventStore, c: Customer, event: CustomerEvent, sub = 'agent-ada@partner.example'): Promise<Position> {
  clock += 61_000;
  const meta = metadata({ sub, at: new Date(clock).toISOString(), partnerId: c.partnerId });
  const result = await store.append(c.stream, [toAppend(event, meta)], c.revision);
  c.revision = result.nextRevision;
  return result.position;
}

function established(c: Customer, companyName: string, domain: string, withBilling = false): CustomerEvent {
  return events.established({
    tenantId: c.tenantId,
    partnerId: c.partnerId,
    companyName,
    domain,
    ...(withBilling ? { billingProfile: billingDetails() } : {}),
  });
}

/** A realistic mix: several customers of two partners, one tenant served by both, every event type. */
async function writeHistory(store: EventStore) {
  const contoso = customer(CONTOSO_CSP);
  const fabrikam = customer(CONTOSO_CSP);
  const tailspin = customer(FABRIKAM_RESELLER);
  const contosoViaReseller = customer(FABRIKAM_RESELLER, contoso.tenantId);

  await write(store, contoso, established(contoso, 'Contoso Ltd', 'contoso.onmicrosoft.com', true));
  await write(store, fabrikam, established(fabrikam, 'Fabrikam, Inc.', 'fabrikam.onmicrosoft.com'));
  await write(store, contoso, events.renamed('Contoso Ltd', 'Contoso (EMEA)'), 'agent-bob@partner.example');
  await write(store, tailspin, established(tailspin, 'Tailspin Toys', 'tailspintoys.onmicrosoft.com'));
  await write(store, fabrikam, events.billingUpdated(billingDetails({ firstName: 'Grace', lastName: 'Hopper' })));
  await write(store, contosoViaReseller, established(contosoViaReseller, 'Contoso Ltd', 'contoso.onmicrosoft.com'));
  await write(store, tailspin, events.selfPurchaseGranted('AzureReservedInstances', 'AzureSavingsPlan'));
  await write(store, contoso, events.costManagementEnabled());
  await write(store, tailspin, events.selfPurchaseRevoked('AzureSavingsPlan'));
  await write(store, fabrikam, events.renamed('Fabrikam, Inc.', 'Fabrikam Friendly'));
  await write(store, tailspin, events.costManagementEnabled());
  await write(store, contosoViaReseller, events.renamed('Contoso Ltd', 'Contoso via Reseller'));
  await write(store, tailspin, events.costManagementDisabled());
  const last = await write(store, contoso, events.selfPurchaseGranted('AzureSavingsPlan'), 'agent-carol@partner.example');
  return { customers: [contoso, fabrikam, tailspin, contosoViaReseller], contoso, fabrikam, tailspin, contosoViaReseller, last };
}

async function waitForCheckpoints(views: ViewPorts, target: Position, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoints = await Promise.all(PROJECTIONS.map((v) => views.writer.checkpoint(v)));
    if (checkpoints.every((c) => c !== null && comparePositions(c, target) >= 0)) return;
    if (Date.now() > deadline) {
      throw new Error(`Checkpoints ${checkpoints.map((c) => (c ? positionKey(c) : 'none')).join(', ')} did not reach ${positionKey(target)} in ${timeoutMs} ms.`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const keyOf = (c: Customer): DocumentKey => ({ partnerId: c.partnerId, id: c.tenantId });

/** Every document of both views, read through the port: by key, and as each partner's whole list. */
async function snapshot(views: ViewPorts, customers: readonly Customer[]) {
  const keys = customers.map(keyOf);
  const partners = [...new Set(customers.map((c) => c.partnerId))].sort();
  return {
    list: await views.writer.load(customerListProjection, keys),
    detail: await views.writer.load(accountDetailProjection, keys),
    pages: await Promise.all(partners.map((partnerId) => views.customerList.page({ partnerId, size: 1000 }))),
    details: await Promise.all(keys.map((k) => views.accountDetail.get(k))),
    checkpoints: await Promise.all(PROJECTIONS.map((v) => views.writer.checkpoint(v))),
  };
}

/** The pure fold of each relationship's stored events: what the views must hold. */
async function folded<V extends ViewDocument>(projection: Projection<V>, store: EventStore, c: Customer): Promise<V | null> {
  const recorded = await store.readStream(c.stream);
  return recorded.map(toProjectedEvent).reduce<V | null>((view, e) => (e ? projection.evolve(view, e) : view), null);
}

describe('ProjectionRunner (embedded stores)', () => {
  it('projects every relationship into both views and checkpoints at the last event', async () => {
    const store = eventStore();
    const views = viewStore();
    const history = await writeHistory(store);

    startBoth(store, views);
    await waitForCheckpoints(views, history.last);

    for (const v of PROJECTIONS) expect(await views.writer.checkpoint(v)).toEqual(history.last);
    for (const c of history.customers) {
      const [item] = await views.writer.load(customerListProjection, [keyOf(c)]);
      expect(item).toStrictEqual(await folded(customerListProjection, store, c));
      expect(await views.accountDetail.get(keyOf(c))).toStrictEqual(await folded(accountDetailProjection, store, c));
    }

    // Spot checks of what the pages show, beyond "the same as the fold".
    const contosoPage = await views.customerList.page({ partnerId: CONTOSO_CSP, size: 10 });
    expect(contosoPage.items.map((i) => [i.companyName, i.id])).toEqual([
      ['Contoso (EMEA)', history.contoso.tenantId],
      ['Fabrikam Friendly', history.fabrikam.tenantId],
    ]);
    expect(contosoPage.next).toBeUndefined();
    expect(contosoPage.items[0]).toMatchObject({
      selfPurchase: { resources: ['AzureSavingsPlan'] },
      costManagement: { enabled: true },
      revision: 3,
      position: positionKey(history.last),
    });
    const contosoDetail = await views.accountDetail.get(keyOf(history.contoso));
    expect(contosoDetail).toMatchObject({
      breadcrumbName: 'Contoso Ltd',
      companyProfile: { tenantId: history.contoso.tenantId, domain: 'contoso.onmicrosoft.com', companyName: 'Contoso Ltd' },
      billingProfile: { companyName: 'Contoso (EMEA)', firstName: 'Ada', culture: 'en-US' },
      updatedBy: 'agent-carol@partner.example',
    });
    // The same tenant under the other partner has names of its own.
    expect(await views.accountDetail.get(keyOf(history.contosoViaReseller))).toMatchObject({
      breadcrumbName: 'Contoso Ltd',
      billingProfile: { companyName: 'Contoso via Reseller' },
    });
    const resellerPage = await views.customerList.page({ partnerId: FABRIKAM_RESELLER, size: 10 });
    expect(resellerPage.items.map((i) => i.companyName)).toEqual(['Contoso via Reseller', 'Tailspin Toys']);
    expect(resellerPage.items[1]).toMatchObject({ selfPurchase: { resources: ['AzureReservedInstances'] }, costManagement: { enabled: false } });
  });

  it('follows new events live, after catching up', async () => {
    const store = eventStore();
    const views = viewStore();
    const history = await writeHistory(store);
    startBoth(store, views);
    await waitForCheckpoints(views, history.last);

    const last = await write(store, history.tailspin, events.renamed('Tailspin Toys', 'Tailspin (Live)'));
    await waitForCheckpoints(views, last);

    for (const v of PROJECTIONS) expect(await views.writer.checkpoint(v)).toEqual(last);
    const [item] = await views.writer.load(customerListProjection, [keyOf(history.tailspin)]);
    expect(item.companyName).toBe('Tailspin (Live)');
    expect((await views.accountDetail.get(keyOf(history.tailspin)))?.billingProfile.companyName).toBe('Tailspin (Live)');
  });

  it('resumes after a crash: a new runner on new store instances over the same files carries on from the checkpoint', async () => {
    const firstEvents = eventStore();
    const firstViews = viewStore();
    const history = await writeHistory(firstEvents);
    startBoth(firstEvents, firstViews);
    await waitForCheckpoints(firstViews, history.last);
    await stopAll();
    await firstViews.close();
    await firstEvents.close();

    // While no projector runs, more commands land.
    const store = eventStore();
    const newcomer = customer(CONTOSO_CSP);
    await write(store, history.fabrikam, events.costManagementEnabled());
    await write(store, newcomer, established(newcomer, 'Northwind Traders', 'northwind.onmicrosoft.com', true));
    await write(store, history.contoso, events.selfPurchaseRevoked('AzureReservedInstances', 'AzureSavingsPlan'));
    const last = await write(store, newcomer, events.renamed('Northwind Traders', 'Northwind'));

    const views = viewStore();
    expect(await views.writer.checkpoint(customerListProjection)).toEqual(history.last);
    const { counts } = startBoth(store, views);
    await waitForCheckpoints(views, last);

    // Only what came after the checkpoint was delivered again.
    expect(counts['customer-list'].events).toBe(4);
    expect(counts['account-detail'].events).toBe(4);
    for (const v of PROJECTIONS) expect(await views.writer.checkpoint(v)).toEqual(last);
    for (const c of [...history.customers, newcomer]) {
      const [item] = await views.writer.load(customerListProjection, [keyOf(c)]);
      expect(item).toStrictEqual(await folded(customerListProjection, store, c));
      expect(await views.accountDetail.get(keyOf(c))).toStrictEqual(await folded(accountDetailProjection, store, c));
    }
  });

  it('a replay from the start into a fresh view store yields exactly the live documents', async () => {
    const store = eventStore();
    const live = viewStore('live.sqlite');
    const history = await writeHistory(store);
    startBoth(store, live);
    await waitForCheckpoints(live, history.last);
    // More events while live, so the live views were built in several batches.
    const more = customer(FABRIKAM_RESELLER);
    await write(store, more, established(more, 'Adventure Works', 'adventure-works.com'));
    await write(store, history.contoso, events.billingUpdated(billingDetails({ email: 'billing@contoso.com' })));
    const last = await write(store, more, events.selfPurchaseGranted('AzureSavingsPlan'));
    await waitForCheckpoints(live, last);
    await stopAll();

    const rebuilt = viewStore('rebuilt.sqlite');
    expect(await rebuilt.writer.checkpoint(customerListProjection)).toBeNull();
    startBoth(store, rebuilt);
    await waitForCheckpoints(rebuilt, last);

    const customers = [...history.customers, more];
    const liveDocs = await snapshot(live, customers);
    const rebuiltDocs = await snapshot(rebuilt, customers);
    expect(rebuiltDocs).toStrictEqual(liveDocs);
    expect(liveDocs.list).toHaveLength(customers.length);
    expect(liveDocs.detail).toHaveLength(customers.length);
    expect(liveDocs.pages.flatMap((p) => p.items)).toHaveLength(customers.length);
  });

  it('applying the same batch twice leaves the views unchanged', async () => {
    const store = eventStore();
    const views = viewStore();
    const history = await writeHistory(store);
    const batch = await store.readAll();

    for (const projection of PROJECTIONS) await runner<ViewDocument>(projection, store, views).apply(batch);
    const once = await snapshot(views, history.customers);
    for (const projection of PROJECTIONS) await runner<ViewDocument>(projection, store, views).apply(batch);
    const twice = await snapshot(views, history.customers);

    expect(twice).toStrictEqual(once);
    expect(once.checkpoints).toEqual([history.last, history.last]);
    expect(once.list).toHaveLength(history.customers.length);
  });

  it('redelivering an old stretch of events to caught-up views changes nothing', async () => {
    const store = eventStore();
    const views = viewStore();
    const history = await writeHistory(store);
    const all = await store.readAll();
    for (const projection of PROJECTIONS) await runner<ViewDocument>(projection, store, views).apply(all);
    const before = await snapshot(views, history.customers);

    // At-least-once delivery: a reconnect replays a middle stretch, split differently into batches.
    for (const projection of PROJECTIONS) {
      const r = runner<ViewDocument>(projection, store, views);
      await r.apply(all.slice(2, 5));
      await r.apply(all.slice(5, 9));
    }

    const after = await snapshot(views, history.customers);
    expect(after.list).toStrictEqual(before.list);
    expect(after.detail).toStrictEqual(before.detail);
    // The checkpoint never moves backwards.
    expect(after.checkpoints).toEqual([history.last, history.last]);
  });

  it('ignores events of other stream categories and of unknown types, but moves the checkpoint past them', async () => {
    const store = eventStore();
    const views = viewStore();
    const history = await writeHistory(store);
    await store.append(`invoice-${CONTOSO_CSP}-${randomUUID()}`, [toAppend({ type: 'InvoiceIssued', data: { total: 12 } })], 'no_stream');
    await store.append('$settings', [toAppend({ type: 'SettingsChanged', data: {} })], 'any');
    // Same prefix, not a relationship stream; and a type the read side does not know in a relationship stream.
    await store.append('customer-import-log', [toAppend({ type: 'ImportStarted', data: {} })], 'no_stream');
    await store.append(history.tailspin.stream, [toAppend({ type: 'CustomerNoteAdded', data: { note: 'hi' } })], history.tailspin.revision);
    const last = (await store.append('customer-import-log', [toAppend({ type: 'ImportFinished', data: {} })], 0n)).position;

    startBoth(store, views);
    await waitForCheckpoints(views, last);

    for (const v of PROJECTIONS) expect(await views.writer.checkpoint(v)).toEqual(last);
    for (const c of history.customers) {
      const [item] = await views.writer.load(customerListProjection, [keyOf(c)]);
      expect(item).toStrictEqual(await folded(customerListProjection, store, c));
      expect(await views.accountDetail.get(keyOf(c))).toStrictEqual(await folded(accountDetailProjection, store, c));
    }
    expect((await views.customerList.page({ partnerId: CONTOSO_CSP, size: 100 })).items).toHaveLength(2);
  });

  it('a batch of only foreign events writes no document and moves the checkpoint to its last event', async () => {
    const store = eventStore();
    const views = viewStore();
    const history = await writeHistory(store);
    for (const projection of PROJECTIONS) await runner<ViewDocument>(projection, store, views).apply(await store.readAll());
    const before = await snapshot(views, history.customers);
    await store.append(`invoice-${randomUUID()}`, [toAppend({ type: 'InvoiceIssued', data: {} })], 'no_stream');
    const foreign = (await store.readAll()).slice(-1);

    for (const projection of PROJECTIONS) await runner<ViewDocument>(projection, store, views).apply(foreign);

    const after = await snapshot(views, history.customers);
    expect(after.list).toStrictEqual(before.list);
    expect(after.detail).toStrictEqual(before.detail);
    expect(after.checkpoints).toEqual([foreign[0].position, foreign[0].position]);
  });

  it('catches up a backlog in batches, not one commit per event', async () => {
    const store = eventStore();
    const views = viewStore();
    const backlog: RecordedEvent[] = [];
    const customers = Array.from({ length: 150 }, (_, i) => customer(i % 2 ? CONTOSO_CSP : FABRIKAM_RESELLER));
    await Promise.all(
      customers.map(async (c, i) => {
        await write(store, c, established(c, `Customer ${String(i).padStart(3, '0')}`, `c${i}.onmicrosoft.com`));
        await write(store, c, events.renamed(`Customer ${i}`, `Friendly ${i}`));
        await write(store, c, events.costManagementEnabled());
        await write(store, c, events.selfPurchaseGranted('AzureSavingsPlan'));
      }),
    );
    backlog.push(...(await store.readAll()));
    const last = backlog[backlog.length - 1].position;

    const { counts } = startBoth(store, views);
    await waitForCheckpoints(views, last, 20_000);

    expect(counts['customer-list'].events).toBe(600);
    // 600 events fit in two batches of 500; allow for reading pages as they come, not one commit per event.
    expect(counts['customer-list'].batches.length).toBeLessThanOrEqual(10);
    expect(counts['account-detail'].batches.length).toBeLessThanOrEqual(10);
  });
});

