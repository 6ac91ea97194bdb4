import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCustomer } from '../support/customers';
import { HistoryItem, wholeHistory } from '../support/http-client';
import {
  assertBuilt,
  bounded,
  Exit,
  HttpOutcome,
  killAll,
  randomSecret,
  send,
  SentRequest,
  ServiceProcess,
  sleep,
  startService,
} from '../support/service-process';

/** A write the service acknowledged (2xx): it must be in the history after any restart. */
interface Ack {
  readonly kind: 'establish' | 'rename';
  readonly id: string;
  readonly companyName: string;
  readonly revision: number;
  readonly position: string;
}

interface Write {
  readonly kind: Ack['kind'];
  readonly id: string;
  readonly companyName: string;
  readonly method: 'POST';
  readonly path: string;
  readonly body: object;
  readonly key?: string;
}

const EXPECTED_TYPE: Record<Ack['kind'], string> = { establish: 'CustomerRelationshipEstablished', rename: 'CustomerRenamed' };

function establishWrite(companyName: string, key?: string): Write {
  const body = newCustomer({ companyName });
  return { kind: 'establish', id: body.tenantId, companyName, method: 'POST', path: '/v1/customers', body, key };
}

function renameWrite(id: string, companyName: string, key?: string): Write {
  return { kind: 'rename', id, companyName, method: 'POST', path: `/v1/customers/${id}/rename`, body: { companyName }, key };
}

/** Sends one write on its own connection; never rejects, so a burst can be cut off by a kill. */
function sendWrite(service: ServiceProcess, auth: string, write: Write): SentRequest {
  return send(service, write.method, write.path, {
    headers: { Authorization: auth, ...(write.key ? { 'Idempotency-Key': write.key } : {}) },
    body: write.body,
  });
}

function isAck(outcome: HttpOutcome): boolean {
  return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
}

function ackOf(write: Write, outcome: HttpOutcome): Ack {
  return { kind: write.kind, id: write.id, companyName: write.companyName, revision: outcome.body.revision, position: outcome.body.position };
}

function commitOf(position: string): bigint {
  return BigInt(position.split('-')[0]);
}

function highest(positions: string[]): string {
  return positions.reduce((a, b) => (commitOf(b) > commitOf(a) ? b : a));
}

async function getJson(service: ServiceProcess, auth: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${service.baseUrl}${path}`, { headers: { Authorization: auth }, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: await res.json() };
}

function history(service: ServiceProcess, auth: string, id: string): Promise<HistoryItem[]> {
  return wholeHistory((path) => getJson(service, auth, path), id);
}

/** Every acknowledged write is the event at its revision, with its position, type and name; streams have no gaps. */
async function expectAllAcknowledged(service: ServiceProcess, auth: string, acks: readonly Ack[]): Promise<Map<string, HistoryItem[]>> {
  const histories = new Map<string, HistoryItem[]>();
  for (const id of new Set(acks.map((a) => a.id))) histories.set(id, await history(service, auth, id));
  const missing: string[] = [];
  for (const ack of acks) {
    const event = histories.get(ack.id)!.find((e) => e.revision === ack.revision);
    const matches =
      event !== undefined &&
      event.position === ack.position &&
      event.type === EXPECTED_TYPE[ack.kind] &&
      event.data.companyName === ack.companyName;
    if (!matches) missing.push(`${ack.kind} ${ack.id} r${ack.revision} @${ack.position} "${ack.companyName}" → found ${JSON.stringify(event ?? null)}`);
  }
  expect(missing).toEqual([]);
  for (const [id, items] of histories) {
    expect({ id, revisions: items.map((e) => e.revision) }).toEqual({ id, revisions: items.map((_, i) => i) });
  }
  return histories;
}

/**
 * Sends bursts of writes, doubling in size, until the service is still working through one when a
 * request sent behind it has been answered: the server accepts connections in order, so by then
 * every write sent has reached the service, and at least `minUnanswered` of them wait for an answer.
 * How long a burst keeps the service busy depends on the machine (fsync cost, a busy CPU slowing
 * this client down), hence the doubling instead of one fixed size.
 */
async function keepBusy(
  service: ServiceProcess,
  burstOf: (size: number) => Write[],
  sendOne: (write: Write) => SentRequest,
  minUnanswered: number,
): Promise<{ writes: Write[]; sent: SentRequest[]; unanswered: number }> {
  const writes: Write[] = [];
  const sent: SentRequest[] = [];
  let unanswered = 0;
  for (let size = 300; unanswered < minUnanswered && size <= 2400; size *= 2) {
    const burst = burstOf(size);
    let answered = 0;
    const burstSent = burst.map(sendOne);
    for (const r of burstSent) void r.outcome.then(() => answered++);
    writes.push(...burst);
    sent.push(...burstSent);
    await bounded(Promise.all(burstSent.map((r) => r.written)), 10_000, 'the burst was not written');
    expect((await send(service, 'GET', '/health/live').outcome).status).toBe(200);
    unanswered = burst.length - answered;
  }
  return { writes, sent, unanswered };
}

/** Read-your-writes after a restart: the views reach the highest acknowledged position and hold every acknowledged write. */
async function expectViewsCaughtUp(service: ServiceProcess, auth: string, acks: readonly Ack[]): Promise<void> {
  const top = highest(acks.map((a) => a.position));
  const list = await getJson(service, auth, `/v1/customers?size=200&minPosition=${top}`);
  expect({ status: list.status, code: list.body.code }).toEqual({ status: 200, code: undefined });
  const listed = new Set<string>(list.body.items.map((i: { id: string }) => i.id));
  const unlisted = acks.filter((a) => a.kind === 'establish' && !listed.has(a.id)).map((a) => a.id);
  expect(unlisted).toEqual([]);

  const latest = new Map<string, number>();
  for (const a of acks) latest.set(a.id, Math.max(latest.get(a.id) ?? -1, a.revision));
  for (const [id, revision] of latest) {
    const detail = await getJson(service, auth, `/v1/customers/${id}?minPosition=${top}`);
    expect({ id, status: detail.status }).toEqual({ id, status: 200 });
    expect(detail.body.revision).toBeGreaterThanOrEqual(revision);
  }
}

describe('crash recovery (real processes)', () => {
  let dataDir: string | undefined;
  let secret: string;

  beforeAll(() => {
    // Fails with the fix in its message when dist is missing.
    assertBuilt();
  });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'customer-accounts-crash-'));
    secret = randomSecret();
  });

  afterEach(async () => {
    await killAll();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  afterAll(() => killAll());

  it('keeps every acknowledged write through a SIGKILL under load, and the views catch up after the restart', async () => {
    const first = await startService({ dataDir: dataDir!, secret });
    const auth = `Bearer ${await first.token({ roles: ['admin-agent'] })}`;
    const acks: Ack[] = [];
    const run = (write: Write): SentRequest => {
      const sent = sendWrite(first, auth, write);
      void sent.outcome.then((o) => isAck(o) && acks.push(ackOf(write, o)));
      return sent;
    };
    const settle = (writes: Write[]) => Promise.all(writes.map((w) => run(w).outcome));

    // A burst of 40 acknowledged writes: 8 establishes, then 32 renames, all concurrent.
    const established = Array.from({ length: 8 }, (_, i) => establishWrite(`Crash Customer ${i}`));
    const renames = established.flatMap((c, i) => [1, 2, 3, 4].map((n) => renameWrite(c.id, `Crash ${i} Rename ${n}`)));
    const firstOutcomes = [...(await settle(established)), ...(await settle(renames))];
    expect(firstOutcomes.filter((o) => !isAck(o))).toEqual([]);
    expect(acks).toHaveLength(40);

    // Another burst, keyed, not awaited: new customers each followed by renames, and renames of the first ones.
    const inFlight: { write: Write; outcome: Promise<HttpOutcome> }[] = [];
    const fire = (write: Write) => {
      const { outcome } = run(write);
      inFlight.push({ write, outcome });
      return outcome;
    };
    const chains = Array.from({ length: 10 }, async (_, i) => {
      const c = establishWrite(`Late Customer ${i}`, `late-est-${i}-${randomUUID()}`);
      if (!isAck(await fire(c))) return;
      for (const n of [1, 2, 3]) {
        if (!isAck(await fire(renameWrite(c.id, `Late ${i} Rename ${n}`, `late-ren-${i}-${n}-${randomUUID()}`)))) return;
      }
    });
    for (let round = 0; round < 10; round++) {
      established.forEach((c, i) => fire(renameWrite(c.id, `Crash ${i} Late ${round}`, `crash-ren-${i}-${round}-${randomUUID()}`)));
    }
    const deadline = Date.now() + 5_000;
    while (acks.length < 50 && Date.now() < deadline) await sleep(1);
    first.child.kill('SIGKILL');
    const exit = await bounded(first.exited, 10_000, 'the service did not die after SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    await bounded(Promise.all(chains), 20_000, 'writes cut off by the kill did not settle');
    const outcomes = await bounded(Promise.all(inFlight.map((f) => f.outcome)), 20_000, 'writes cut off by the kill did not settle');
    // Whatever answered was an acknowledgement: a kill must not turn into error answers.
    expect(outcomes.filter((o) => o.status !== undefined && !isAck(o))).toEqual([]);

    // Restart on the same data and port.
    const second = await startService({ dataDir: dataDir!, secret, port: first.port });
    await expectAllAcknowledged(second, auth, acks);
    await expectViewsCaughtUp(second, auth, acks);

    // The keyed writes cut off by the kill can be retried: acknowledged ones answer as before,
    // lost ones apply now, and nothing is applied twice.
    const retried: Ack[] = [];
    const byKind = (kind: Ack['kind']) => inFlight.filter((f) => f.write.kind === kind);
    for (const { write, outcome } of [...byKind('establish'), ...byKind('rename')]) {
      const before = await outcome;
      const again = await sendWrite(second, auth, write).outcome;
      const label = `${write.kind} ${write.path} "${write.companyName}"`;
      expect({ write: label, status: again.status }).toEqual({ write: label, status: write.kind === 'establish' ? 201 : 200 });
      if (isAck(before)) expect({ write: label, body: again.body }).toEqual({ write: label, body: before.body });
      retried.push(ackOf(write, again));
    }
    const histories = await expectAllAcknowledged(second, auth, [...acks, ...retried]);
    for (const [id, items] of histories) {
      const commandIds = items.map((e) => e.commandId);
      expect({ id, duplicates: commandIds.filter((c, i) => commandIds.indexOf(c) !== i) }).toEqual({ id, duplicates: [] });
    }
  }, 90_000);

  it('drains in-flight requests on SIGTERM, exits with code 0, and keeps what it acknowledged', async () => {
    const first = await startService({ dataDir: dataDir!, secret });
    const auth = `Bearer ${await first.token({ roles: ['admin-agent'] })}`;
    const acks: Ack[] = [];
    const run = (write: Write): SentRequest => {
      const sent = sendWrite(first, auth, write);
      void sent.outcome.then((o) => isAck(o) && acks.push(ackOf(write, o)));
      return sent;
    };

    const customers = Array.from({ length: 3 }, (_, i) => establishWrite(`Term Customer ${i}`));
    expect((await Promise.all(customers.map((c) => run(c).outcome))).filter((o) => !isAck(o))).toEqual([]);
    // Warm the write path, so the burst below is not held up by a cold start.
    for (const [i, c] of customers.entries()) expect(isAck(await run(renameWrite(c.id, `Term ${i} Warm`)).outcome)).toBe(true);

    // Renames of two customers in flight, each customer's one at a time with one durable commit each.
    const twoCustomers = (size: number) =>
      customers.slice(0, 2).flatMap((c, i) => Array.from({ length: size / 2 }, (_, n) => renameWrite(c.id, `Term ${i} Rename ${size}-${n}`)));
    const { writes: before, sent, unanswered: unansweredAtSignal } = await keepBusy(first, twoCustomers, run, 1);
    const termAt = Date.now();
    const exitTime = first.exited.then((exit) => ({ exit, ms: Date.now() - termAt }));
    first.child.kill('SIGTERM');
    // The scenario needs requests the service has received and not yet answered.
    expect({ inFlightAtSignal: unansweredAtSignal > 0 }).toEqual({ inFlightAtSignal: true });

    // Requests started after the signal: answered normally, or refused once the server has closed.
    await sleep(20);
    const after = customers.map((c, i) => renameWrite(c.id, `Term ${i} After Signal`));
    const afterOutcomes = Promise.all(after.map((w) => run(w).outcome));

    const settledBefore = await bounded(Promise.all(sent.map((r) => r.outcome)), 20_000, 'requests in flight at SIGTERM did not settle');
    const notAnswered = settledBefore.map((o, i) => ({ write: before[i].companyName, status: o.status, error: o.error })).filter((o) => o.status !== 200);
    expect(notAnswered).toEqual([]);
    const settledAfter = await bounded(afterOutcomes, 20_000, 'requests started after SIGTERM did not settle');
    const badAfter = settledAfter
      .map((o, i) => ({ write: after[i].companyName, status: o.status, error: o.error }))
      .filter((o) => !(o.status === 200 || (o.status === undefined && /ECONNREFUSED|ECONNRESET/.test(o.error ?? ''))));
    expect(badAfter).toEqual([]);

    const { exit, ms } = await bounded(exitTime, 15_000, 'the service did not exit within 15 s of SIGTERM');

    const second = await startService({ dataDir: dataDir!, secret });
    await expectAllAcknowledged(second, auth, acks);
    await expectViewsCaughtUp(second, auth, acks);

    // Last, so a failure here still has the durability checks above behind it.
    const expected: { exit: Exit; exitedAfter: string } = { exit: { code: 0, signal: null }, exitedAfter: 'less than 5 s' };
    expect({ exit, exitedAfter: ms < 5_000 ? 'less than 5 s' : `${ms} ms` }).toEqual(expected);
  }, 90_000);

  it('records no key for a keyed write cut off by a crash that then fails on retry', async () => {
    const first = await startService({ dataDir: dataDir!, secret });
    const auth = `Bearer ${await first.token({ roles: ['admin-agent'] })}`;
    const customer = establishWrite('Cut Off Customer');
    expect((await sendWrite(first, auth, customer).outcome).status).toBe(201);
    // Revision 1 from here on, so If-Match "0" is stale whatever runs first.
    expect((await sendWrite(first, auth, renameWrite(customer.id, 'Cut Off Warm')).outcome).status).toBe(200);

    // Keyed conditional writes that can only fail (412), queued behind durable renames of the same
    // customer that are worked through one by one, so what comes now waits behind the rest of them.
    const blockers = (size: number) => Array.from({ length: size }, (_, n) => renameWrite(customer.id, `Cut Off Blocker ${size}-${n}`));
    await keepBusy(first, blockers, (w) => sendWrite(first, auth, w), 100);
    const keyed = Array.from({ length: 10 }, (_, i) => ({ key: `cut-off-${i}-${randomUUID()}`, body: { companyName: `Stale ${i}` } }));
    const conditional = (service: ServiceProcess, k: (typeof keyed)[number]) =>
      send(service, 'POST', `/v1/customers/${customer.id}/rename`, { headers: { Authorization: auth, 'Idempotency-Key': k.key, 'If-Match': '"0"' }, body: k.body });
    const stale = keyed.map((k) => conditional(first, k));
    await bounded(Promise.all(stale.map((r) => r.written)), 10_000, 'the keyed writes were not written');
    expect((await send(first, 'GET', '/health/live').outcome).status).toBe(200);
    first.child.kill('SIGKILL');
    await bounded(first.exited, 10_000, 'the service did not die after SIGKILL');

    const staleOutcomes = await bounded(Promise.all(stale.map((r) => r.outcome)), 20_000, 'cut-off writes did not settle');
    expect(staleOutcomes.filter((o) => o.status !== undefined && o.status !== 412)).toEqual([]);
    const cutOff = keyed.filter((_, i) => staleOutcomes[i].status === undefined);
    // The scenario needs writes the kill cut off while they waited their turn.
    expect({ cutOffByTheKill: cutOff.length > 0 }).toEqual({ cutOffByTheKill: true });

    const second = await startService({ dataDir: dataDir!, secret, port: first.port });
    const results = [];
    for (const k of keyed) {
      // The retry fails as the first run would have: nothing succeeded under this key...
      const retry = await conditional(second, k).outcome;
      // ...so the key is free for another request (API.md: only successful writes record a key).
      const reuse = await send(second, 'POST', `/v1/customers/${customer.id}/rename`, {
        headers: { Authorization: auth, 'Idempotency-Key': k.key },
        body: { companyName: `Reused ${k.body.companyName}` },
      }).outcome;
      results.push({ cutOffByCrash: cutOff.includes(k), retry: retry.status, reuse: reuse.status, code: reuse.body?.code });
    }
    expect(results).toEqual(results.map((r) => ({ cutOffByCrash: r.cutOffByCrash, retry: 412, reuse: 200, code: undefined })));
  }, 90_000);
});
