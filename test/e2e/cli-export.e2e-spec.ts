import { CustomerEventType, customerStream } from '@app/domain';
import { EVENT_WRITER, EventWriter, NewEvent } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { billingProfile, newCustomer } from '../support/customers';
import type { HistoryItem } from '../support/http-client';
import { CliResult, killAllCli, metadataFor, newEvent, runCli } from '../support/seed';
import { productionStores, storeEnv } from '../support/stores';
import { startTestApp, TestApp } from '../support/test-app';
import { parseCsv } from '../support/csv';

/**
 * `npm run cli -- export`: the audit records of one customer, or of all a partner's customers in a
 * time range, read from the event store as the history API reads them, to a file or stdout.
 */

const STORES = productionStores ? 'production stores' : 'embedded';
const CSV_HEADER = ['customerId', 'revision', 'position', 'type', 'occurredAt', 'actorSub', 'actorPartnerId', 'actorRoles', 'commandId', 'correlationId', 'data'];

type AuditRecord = HistoryItem & { customerId: string };

/** What a CSV cell holds for a value a spreadsheet would run as a formula: the value behind a quote. */
const defused = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** Fails with everything the CLI printed unless it exited with `code`. */
function expectExit(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit code ${code}, got ${r.code} (signal ${r.signal})\n--- stderr:\n${r.stderr}\n--- stdout:\n${r.stdout}`);
}

function ndjson(text: string): unknown[] {
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line));
}

describe(`operator CLI: export (${STORES})`, () => {
  let t: TestApp;
  let env: Record<string, string>;
  let outDir: string;
  const partner = `cli-export-${randomUUID().slice(0, 8)}`;
  let auth: string;
  /** A customer with a real history written over HTTP, and that history as the API shows it. */
  let customerId: string;
  let history: AuditRecord[];

  const cli = (...args: string[]) => runCli(['export', ...args], env, 60_000);
  const out = (name: string) => join(outDir, name);

  async function historyOf(id: string, token = auth): Promise<AuditRecord[]> {
    const res = await t.http.get(`/v1/customers/${id}/history`).query({ limit: 1000 }).set('Authorization', token).expect(200);
    return (res.body.items as HistoryItem[]).map((item) => ({ ...item, customerId: id }));
  }

  beforeAll(async () => {
    t = await startTestApp();
    env = { DATA_DIR: t.dataDir, ...(await storeEnv(t.dataDir)) };
    outDir = mkdtempSync(join(tmpdir(), 'customer-accounts-cli-export-'));
    auth = `Bearer ${await t.token({ partnerId: partner, sub: 'agent-ada@partner.example', roles: ['admin-agent'] })}`;

    // Names with a comma and quotes, and one a spreadsheet would run, so CSV quoting and defusing show.
    const body = newCustomer({ companyName: 'Contoso, "the original" Ltd' });
    customerId = body.tenantId;
    const post = (path: string, payload: object, status = 200) => t.http.post(`/v1/customers${path}`).set('Authorization', auth).send(payload).expect(status);
    await post('', body, 201);
    await post(`/${customerId}/rename`, { companyName: '=HYPERLINK("http://evil.example")' });
    await t.http.put(`/v1/customers/${customerId}/profiles/billing`).set('Authorization', auth).set('If-Match', '"1"').send(billingProfile({ companyName: 'Contoso Billing, Inc.' })).expect(200);
    await post(`/${customerId}/self-purchase/grant`, { resources: ['AzureSavingsPlan'] });
    // An actor a spreadsheet would read as a formula: the CSV cell gets a leading quote.
    const bot = `Bearer ${await t.token({ partnerId: partner, sub: '@ops-bot', roles: ['admin-agent'] })}`;
    await t.http.post(`/v1/customers/${customerId}/cost-management/enable`).set('Authorization', bot).send({}).expect(200);
    history = await historyOf(customerId);
    expect(history.map((r) => r.type)).toEqual([
      'CustomerRelationshipEstablished',
      'CustomerRenamed',
      'BillingProfileUpdated',
      'CustomerRenamed',
      'SelfPurchaseGranted',
      'CostManagementEnabled',
    ]);
  }, 60_000);

  afterAll(async () => {
    await killAllCli();
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('--customer --format ndjson --out: exactly the records the HTTP history has, plus customerId', async () => {
    const file = out('one.ndjson');
    const result = await cli('--partner', partner, '--customer', customerId, '--format', 'ndjson', '--out', file);
    expectExit(result, 0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`export: ${history.length} records`);
    const text = readFileSync(file, 'utf8');
    expect(ndjson(text)).toEqual(history);
    // Each line is the record exactly as the history serializes it, nothing more.
    for (const line of text.trimEnd().split('\n')) expect(Object.keys(JSON.parse(line)).sort()).toEqual(Object.keys(history[0]).sort());
  });

  it('finds the customer whatever the case of its id', async () => {
    const result = await cli('--partner', partner, '--customer', customerId.toUpperCase(), '--out', out('upper.ndjson'));
    expectExit(result, 0);
    expect(ndjson(readFileSync(out('upper.ndjson'), 'utf8'))).toEqual(history);
  });

  it('--format csv: the header and one row per record, quoted and defused as RFC 4180 and spreadsheets need', async () => {
    const file = out('one.csv');
    const result = await cli('--partner', partner, '--customer', customerId, '--format', 'csv', '--out', file);
    expectExit(result, 0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`export: ${history.length} records`);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(`${CSV_HEADER.join(',')}\r\n`)).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(CSV_HEADER);
    expect(rows).toHaveLength(history.length);
    rows.forEach((cells, i) => {
      const r = history[i];
      expect(cells).toHaveLength(CSV_HEADER.length);
      expect(cells.slice(0, 10)).toEqual([
        r.customerId,
        String(r.revision),
        r.position,
        r.type,
        r.occurredAt,
        defused(r.actor.sub),
        r.actor.partnerId,
        r.actor.roles.join(';'),
        r.commandId,
        r.correlationId,
      ]);
      expect(JSON.parse(cells[10])).toEqual(r.data);
    });
    expect(rows[5][5]).toBe("'@ops-bot");
    // The JSON cell of the rename holds the formula text, inside JSON (starting with "{"): nothing to run.
    expect(rows[1][10].startsWith('{')).toBe(true);
    expect(JSON.parse(rows[1][10])).toMatchObject({ companyName: '=HYPERLINK("http://evil.example")' });
  });

  it('without --out writes the records to stdout, and the count to stderr', async () => {
    const result = await cli('--partner', partner, '--customer', customerId);
    expectExit(result, 0);
    expect(ndjson(result.stdout)).toEqual(history);
    expect(result.stderr).toContain(`export: ${history.length} records`);

    const csv = await cli('--partner', partner, '--customer', customerId, '--format', 'csv');
    expectExit(csv, 0);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(header).toEqual(CSV_HEADER);
    expect(rows.map((r) => r[3])).toEqual(history.map((r) => r.type));
  });

  it('a customer the partner does not have exports nothing', async () => {
    const result = await cli('--partner', `${partner}-other`, '--customer', customerId);
    expectExit(result, 0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('export: 0 records');
  });

  describe('--from/--to', () => {
    const store = () => t.app.get<EventWriter>(EVENT_WRITER);
    /** Appends one event with a chosen occurredAt, as a command at that time would have. */
    async function append(partnerId: string, tenantId: string, revision: number, type: CustomerEventType, data: unknown, occurredAt: string): Promise<void> {
      const event: NewEvent = newEvent(type, data, metadataFor(type, partnerId, 'agent-range@partner.example', occurredAt));
      await store().append(customerStream(partnerId, tenantId), [event], revision === 0 ? 'no_stream' : BigInt(revision - 1));
    }
    const established = (partnerId: string, tenantId: string, name: string) => ({ tenantId, partnerId, companyName: name, domain: `${tenantId.slice(0, 8)}.onmicrosoft.com` });

    const a = randomUUID();
    const b = randomUUID();
    const otherPartner = `${partner}-x`; // shares the stream prefix: must not leak into partner's export
    const c = randomUUID();

    beforeAll(async () => {
      await append(partner, a, 0, 'CustomerRelationshipEstablished', established(partner, a, 'Alpha'), '2019-12-31T23:59:59.999Z');
      await append(partner, a, 1, 'CustomerRenamed', { previousName: 'Alpha', companyName: 'Alpha Friendly' }, '2020-01-01T00:00:00.000Z');
      await append(partner, b, 0, 'CustomerRelationshipEstablished', established(partner, b, 'Beta'), '2020-01-10T12:00:00.000Z');
      await append(otherPartner, c, 0, 'CustomerRelationshipEstablished', established(otherPartner, c, 'Gamma'), '2020-01-11T12:00:00.000Z');
      await append(partner, a, 2, 'SelfPurchaseGranted', { resources: ['AzureReservedInstances'] }, '2020-01-20T08:30:00.000Z');
      await append(partner, b, 1, 'CostManagementEnabled', {}, '2020-02-01T00:00:00.000Z');
    });

    /** The partner's records in [from, to) in log order, built from the HTTP history of each customer. */
    async function expectedInRange(from?: string, to?: string): Promise<AuditRecord[]> {
      const all = [...(await historyOf(customerId)), ...(await historyOf(a)), ...(await historyOf(b))];
      const at = (s: string) => Date.parse(s);
      const position = (p: string) => p.split('-').map(BigInt) as [bigint, bigint];
      return all
        .filter((r) => (!from || at(r.occurredAt) >= at(from)) && (!to || at(r.occurredAt) < at(to)))
        .sort((x, y) => {
          const [p, q] = [position(x.position), position(y.position)];
          return p[0] !== q[0] ? (p[0] < q[0] ? -1 : 1) : p[1] < q[1] ? -1 : p[1] > q[1] ? 1 : 0;
        });
    }

    it('exports every customer of the partner with events in [from, to), in log order, and no other partner', async () => {
      const file = out('range.ndjson');
      const result = await cli('--partner', partner, '--from', '2020-01-01T00:00:00Z', '--to', '2020-02-01T00:00:00Z', '--out', file);
      expectExit(result, 0);
    expect(result.stdout).toBe('');
      const records = ndjson(readFileSync(file, 'utf8')) as AuditRecord[];
      const expected = await expectedInRange('2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z');
      expect(expected.map((r) => `${r.customerId}#${r.revision}`)).toEqual([`${a}#1`, `${b}#0`, `${a}#2`]);
      expect(records).toEqual(expected);
      expect(result.stderr).toContain('export: 3 records');
    });

    it('takes an open range: only --from, or only --to', async () => {
      const since = await cli('--partner', partner, '--from', '2020-01-15T00:00:00Z');
      expectExit(since, 0);
      const sinceExpected = await expectedInRange('2020-01-15T00:00:00Z');
      expect(ndjson(since.stdout)).toEqual(sinceExpected);
      // The HTTP-written customer's events (now) are in it, and the two range customers' late ones.
      expect(sinceExpected).toHaveLength(history.length + 2);

      const until = await cli('--partner', partner, '--to', '2020-01-01T00:00:00Z', '--format', 'csv');
      expectExit(until, 0);
      const [header, ...rows] = parseCsv(until.stdout);
      expect(header).toEqual(CSV_HEADER);
      expect(rows.map((r) => `${r[0]}#${r[1]}`)).toEqual([`${a}#0`]);
    });
  });

  describe('usage errors: exit code 2 with the usage text, nothing written', () => {
    const USAGE_LINE = 'npm run cli -- export --partner <id> (--customer <tenant id> | --from <ISO> --to <ISO>)';

    it('without --partner', async () => {
      const file = out('no-partner.ndjson');
      const result = await cli('--customer', customerId, '--out', file);
      expectExit(result, 2);
    expect(result.stdout).toBe('');
      expect(result.stderr).toContain('--partner is required');
      expect(result.stderr).toContain(USAGE_LINE);
      expect(existsSync(file)).toBe(false);
    });

    it('with neither --customer nor a range', async () => {
      const file = out('no-scope.ndjson');
      const result = await cli('--partner', partner, '--format', 'csv', '--out', file);
      expectExit(result, 2);
    expect(result.stdout).toBe('');
      expect(result.stderr).toContain('give --customer, or --from and/or --to');
      expect(result.stderr).toContain(USAGE_LINE);
      expect(existsSync(file)).toBe(false);
    });

    it('with no command at all', async () => {
      const result = await runCli([], env, 60_000);
      expectExit(result, 2);
    expect(result.stdout).toBe('');
      expect(result.stderr).toContain(USAGE_LINE);
      expect(result.stderr).toContain('npm run cli -- rebuild');
      expect(result.stderr).toContain('npm run cli -- verify');
    });
  });
});
