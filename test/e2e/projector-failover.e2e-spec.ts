import { customerStream, EventMetadata } from '@app/domain';
import { comparePositions, EsdbEventStore, eventIdFor, EventStore, Position, SqliteEventStore } from '@app/event-store';
import { embeddedViews, LeaseStore, MongoLeaseStore, mongoViews, PROJECTIONS, SqliteLeaseStore, ViewPorts } from '@app/read-side';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bounded, killAll, PROJECTOR_JS, randomSecret, ServiceProcess, sleep, startService } from '../support/service-process';
import { storeEnv } from '../support/stores';

const LEASE_MS = 1500;
const VIEWS = ['customer-list', 'account-detail'] as const;

/** Where the projector processes project from and to, opened by the test to write and to watch. */
interface Stores {
  events: EventStore;
  views: ViewPorts;
  leases: LeaseStore;
  close(): Promise<void>;
}

async function openStores(dataDir: string, env: Record<string, string>): Promise<Stores> {
  if (env.READ_STORE === 'mongodb') {
    const client = await new MongoClient(env.MONGODB_URI).connect();
    const db = client.db(env.MONGODB_DB);
    const events = EsdbEventStore.connect(env.EVENTSTORE_CONNECTION_STRING);
    return { events, views: await mongoViews(db), leases: new MongoLeaseStore(db), close: async () => (await events.close(), await client.close()) };
  }
  const events = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  const views = embeddedViews(join(dataDir, 'views.sqlite'));
  const leases = new SqliteLeaseStore(join(dataDir, 'views.sqlite'));
  return { events, views, leases, close: async () => (await events.close(), await views.close(), await leases.close()) };
}

async function establish(events: EventStore, partnerId: string): Promise<Position> {
  const tenantId = randomUUID();
  const commandId = randomUUID();
  const metadata: EventMetadata = {
    commandId,
    correlationId: commandId,
    causationId: commandId,
    actor: { sub: 'failover-test', partnerId, roles: ['admin-agent'] },
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  };
  const data = { tenantId, partnerId, companyName: `Customer ${tenantId.slice(0, 8)}`, domain: `c${tenantId.slice(0, 8)}.example.com` };
  const { position } = await events.append(
    customerStream(partnerId, tenantId),
    [{ id: eventIdFor(commandId, 0), type: 'CustomerRelationshipEstablished', data, metadata }],
    'no_stream',
  );
  return position;
}

async function projectedUpTo(views: ViewPorts, position: Position, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reached = await Promise.all(VIEWS.map((v) => views.writer.checkpoint(PROJECTIONS[v])));
    if (reached.every((p) => p && comparePositions(p, position) >= 0)) return;
    if (Date.now() > deadline) throw new Error(`Views did not reach ${position.commit} within ${timeoutMs} ms: ${JSON.stringify(reached, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    await sleep(50);
  }
}

const projecting = (p: ServiceProcess) => VIEWS.filter((v) => p.output().includes(`Projecting ${v}`)).length;

describe('standalone projectors: one active per projection, failover through the lease', () => {
  let dataDir: string;
  let stores: Stores | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'customer-accounts-failover-'));
  });
  afterEach(async () => {
    await killAll();
    await stores?.close();
    stores = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a second instance on standby while the first lives, and lets it take over within seconds of a SIGKILL', async () => {
    const env = { ...(await storeEnv(dataDir)), PROJECTOR_LEASE_MS: String(LEASE_MS) };
    stores = await openStores(dataDir, env);
    const partnerId = `failover-${randomUUID()}`;
    const secret = randomSecret();

    const first = await startService({ entry: PROJECTOR_JS, dataDir, secret, env });
    await bounded((async () => { while (projecting(first) < 2) await sleep(50); })(), 10_000, 'the first projector never took its leases');
    const second = await startService({ entry: PROJECTOR_JS, dataDir, secret, env });

    // While the first lives, the second only waits: three lease lifetimes and it never projects.
    const before = await establish(stores.events, partnerId);
    await projectedUpTo(stores.views, before, 10_000);
    await sleep(3 * LEASE_MS);
    expect(projecting(second)).toBe(0);

    await first.kill();
    const killedAt = Date.now();
    const after = await establish(stores.events, partnerId);
    await projectedUpTo(stores.views, after, 10_000);
    const takeover = Date.now() - killedAt;
    expect(projecting(second)).toBe(2);
    expect(takeover).toBeLessThan(LEASE_MS * 4);

    // The survivor holds both leases: nobody else can take them.
    for (const view of VIEWS) expect(await stores.leases.acquire(view, 'intruder', LEASE_MS)).toBe(false);
  }, 60_000);
});
