import { CUSTOMER_STREAM_PREFIX, customerStream } from '@app/domain';
import { EVENT_READER, EVENT_WRITER, EventReader, EventWriter, formatPosition, positionFromKey } from '@app/event-store';
import { CustomerListItem, customerListProjection, PARKED_EVENTS, ParkedEvents, VIEW_WRITER, ViewWriter } from '@app/read-side';
import { randomUUID } from 'node:crypto';
import { newCustomer } from '../support/customers';
import { CliResult, killAllCli, metadataFor, newEvent, projectedUpTo, runCli } from '../support/seed';
import { productionStores, storeEnv } from '../support/stores';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * An event a projection cannot apply is parked and the view goes on; operators see it in
 * `/v1/projections`, in Prometheus and with `npm run cli -- parked list`, and settle it with
 * `parked retry` (once the fault is gone) or `parked skip`.
 */

const STORES = productionStores ? 'production stores' : 'embedded';
const LIST = customerListProjection;

function expectExit(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit code ${code}, got ${r.code} (signal ${r.signal})\n--- stderr:\n${r.stderr}\n--- stdout:\n${r.stdout}`);
}

describe(`parked events: the projector goes on past an event it cannot apply (${STORES})`, () => {
  let t: TestApp;
  let env: Record<string, string>;
  let auth: string;
  let writer: ViewWriter;
  let parked: ParkedEvents;
  const partnerId = `parked-${randomUUID().slice(0, 8)}`;
  const cli = (...args: string[]) => runCli(['parked', ...args], env, 120_000);

  /** Waits until both views have projected everything written so far. */
  async function caughtUp(): Promise<void> {
    const filter = { streamNamePrefix: CUSTOMER_STREAM_PREFIX };
    const [last] = await t.app.get<EventReader>(EVENT_READER).readAll({ filter, direction: 'backwards', maxCount: 1 });
    await projectedUpTo(writer, last.position, 60_000);
  }

  /** `/v1/projections`' parked counts, once they are `expected` (the status is measured at most once a second). */
  async function parkedCounts(expected: Record<string, number>): Promise<Record<string, number>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { items } = (await t.http.get('/v1/projections').set('Authorization', auth).expect(200)).body as { items: { name: string; parkedEvents: number }[] };
      const counts = Object.fromEntries(items.map((i) => [i.name, i.parkedEvents]));
      if (JSON.stringify(counts) === JSON.stringify(expected) || Date.now() > deadline) return counts;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const listItem = async (tenantId: string) => (await writer.load(LIST, [{ partnerId, id: tenantId }]))[0];

  beforeAll(async () => {
    t = await startTestApp();
    env = { DATA_DIR: t.dataDir, ...(await storeEnv(t.dataDir)) };
    auth = `Bearer ${await t.token({ partnerId, sub: 'agent-ada@partner.example', roles: ['admin-agent'] })}`;
    writer = t.app.get(VIEW_WRITER);
    parked = t.app.get(PARKED_EVENTS);
  });

  afterAll(async () => {
    await killAllCli();
    await t?.close();
  });

  it('parks, shows, counts and lists; retry settles a fixed fault; skip forgets one that stays', async () => {
    const damaged = newCustomer({ companyName: 'Damaged Ltd' });
    const malformed = newCustomer({ companyName: 'Malformed Ltd' });
    await t.http.post('/v1/customers').set('Authorization', auth).send(damaged).expect(201);
    await t.http.post('/v1/customers').set('Authorization', auth).send(malformed).expect(201);
    await caughtUp();

    // Fault 1, in the view: a list document as an older, buggy release might have left it (no
    // `selfPurchase`), so the projection throws on the next entitlement event for that customer.
    const before = await listItem(damaged.tenantId);
    const generation = await writer.activeGeneration(LIST);
    const broken = { ...before, selfPurchase: null } as unknown as CustomerListItem;
    expect(await parked.replaceRetried(LIST, generation, broken, before.position, [])).toBe(true);
    await t.http.post(`/v1/customers/${damaged.tenantId}/self-purchase/grant`).set('Authorization', auth).send({ resources: ['AzureSavingsPlan'] }).expect(200);

    // Fault 2, in the log: an event of a known type but the wrong shape, which no projection can apply.
    const stream = customerStream(partnerId, malformed.tenantId);
    const metadata = metadataFor('CustomerRenamed', partnerId, 'agent-ada@partner.example', new Date().toISOString());
    await t.app.get<EventWriter>(EVENT_WRITER).append(stream, [newEvent('CustomerRenamed', { companyName: 42 }, metadata)], 0n);

    // The view went past both: later writes are projected.
    const later = newCustomer({ companyName: 'Later Ltd' });
    await t.http.post('/v1/customers').set('Authorization', auth).send(later).expect(201);
    await caughtUp();
    expect(await listItem(later.tenantId)).toMatchObject({ companyName: 'Later Ltd' });

    expect(await parkedCounts({ 'customer-list': 2, 'account-detail': 1 })).toEqual({ 'customer-list': 2, 'account-detail': 1 });
    const metrics = (await t.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^projection_parked_events\{projection="customer-list"\} 2$/m);
    expect(metrics).toMatch(/^projection_parked_events\{projection="account-detail"\} 1$/m);

    const [grant, rename] = await parked.parked(LIST);
    expect(grant).toMatchObject({ stream: customerStream(partnerId, damaged.tenantId), revision: 1, type: 'SelfPurchaseGranted' });
    expect(grant.error).toMatch(/TypeError: .*resources/);
    expect(rename).toMatchObject({ stream, revision: 1, type: 'CustomerRenamed' });
    const shown = (p: { position: string }) => formatPosition(positionFromKey(p.position));

    const list = await cli('list');
    expectExit(list, 0);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`customer-list  ${shown(grant)}  ${grant.stream}@1  SelfPurchaseGranted  ${grant.parkedAt}  TypeError`);
    expect(lines.filter((l) => l.startsWith(`account-detail  ${shown(rename)}  ${stream}@1  CustomerRenamed`))).toHaveLength(1);
    expect(list.stderr).toContain('parked: 3 events');
    const onlyDetail = await cli('list', '--projection', 'account-detail');
    expect(onlyDetail.stdout.trim().split('\n')).toHaveLength(1);

    // The damaged document's fault is gone once it is folded again from its events.
    const retried = await cli('retry', '--projection', 'customer-list', '--position', shown(grant));
    expectExit(retried, 0);
    expect(retried.stdout).toContain(`customer-list: retried ${shown(grant)}`);
    expect(await listItem(damaged.tenantId)).toMatchObject({ companyName: 'Damaged Ltd', selfPurchase: { resources: ['AzureSavingsPlan'] }, revision: 1 });
    const page = await t.http.get('/v1/customers').set('Authorization', auth).expect(200);
    expect(page.body.items.find((i: { id: string }) => i.id === damaged.tenantId)).toMatchObject({ companyName: 'Damaged Ltd' });

    // The malformed event still cannot be applied: it stays parked, and the CLI says so.
    const again = await cli('retry');
    expectExit(again, 1);
    expect(again.stdout).toContain(`customer-list: ${shown(rename)} (${stream}) STILL FAILS at ${shown(rename)}`);
    expect(again.stdout).toContain(`account-detail: ${shown(rename)} (${stream}) STILL FAILS`);
    expect(await parkedCounts({ 'customer-list': 1, 'account-detail': 1 })).toEqual({ 'customer-list': 1, 'account-detail': 1 });

    const skipped = await cli('skip', '--position', shown(rename));
    expectExit(skipped, 0);
    expect(skipped.stdout).toContain(`customer-list: skipped ${shown(rename)}`);
    expect(skipped.stdout).toContain(`account-detail: skipped ${shown(rename)}`);
    expect(await parkedCounts({ 'customer-list': 0, 'account-detail': 0 })).toEqual({ 'customer-list': 0, 'account-detail': 0 });
    expect((await t.http.get('/metrics').expect(200)).text).toMatch(/^projection_parked_events\{projection="customer-list"\} 0$/m);
    const empty = await cli('list');
    expectExit(empty, 0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain('parked: 0 events');
  });

  it('refuses what it cannot do with a clear message and a non-zero exit code', async () => {
    const noPosition = await cli('skip');
    expectExit(noPosition, 2);
    expect(noPosition.stderr).toContain('parked skip needs --position');
    const badPosition = await cli('retry', '--position', 'latest');
    expectExit(badPosition, 2);
    expect(badPosition.stderr).toContain('--position must be a position');
    const nothingThere = await cli('skip', '--position', '1-1');
    expectExit(nothingThere, 1);
    expect(nothingThere.stderr).toContain('no event is parked at 1-1');
    const unknown = await cli('forget');
    expectExit(unknown, 2);
    expect(unknown.stderr).toContain('unknown parked action forget');
  });
});
