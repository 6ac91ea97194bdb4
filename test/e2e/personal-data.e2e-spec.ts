import { customerStream } from '@app/domain';
import { EVENT_READER, EVENT_WRITER, EventReader, EventWriter, formatPosition } from '@app/event-store';
import { PROJECTIONS, rebuildView, VIEW_GENERATIONS, VIEW_WRITER, verifyView } from '@app/read-side';
import { MONGO_DB } from '@app/platform';
import Database from 'better-sqlite3';
import { Db } from 'mongodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { billingProfile } from '../support/customers';
import { HistoryItem, httpClient, Written } from '../support/http-client';
import { esdbDoubleOf, productionStores } from '../support/stores';
import { startTestApp, TestApp } from '../support/test-app';
import { parseCsv } from '../support/csv';

/**
 * Crypto-shredding: the billing contact's personal fields are stored sealed under a per-relationship
 * key; erasing deletes the key, so no store the service wrote keeps a readable copy, while history
 * stays whole. Values are unique per run, so a hit in the raw bytes can only be this test's data.
 */

const tag = () => randomBytes(5).toString('hex');
function personalValues() {
  const t = tag();
  const digits = String(parseInt(t, 16)).padStart(10, '0').slice(0, 10);
  return {
    firstName: `Adeline${t}`,
    lastName: `Lovelacey${t}`,
    email: `ada.${t}@contoso-mail.example`,
    phoneNumber: `+46 ${digits}`,
    defaultAddress: { addressLine1: `${t} Drottninggatan 1`, addressLine2: `Floor ${t}`, city: 'Stockholm', postalCode: '11151', country: 'SE' },
  };
}
const valuesOf = (p: ReturnType<typeof personalValues>) => [p.firstName, p.lastName, p.email, p.phoneNumber, p.defaultAddress.addressLine1, p.defaultAddress.addressLine2];

const ERASED_CONTACT = {
  personalDataErased: true,
  firstName: null,
  lastName: null,
  email: null,
  phoneNumber: null,
  defaultAddress: { addressLine1: null, addressLine2: null, addressLine3: null, city: 'Stockholm', postalCode: '11151', country: 'SE' },
};
const ERASED_BILLING = {
  companyName: 'Shred AB',
  culture: 'sv-SE',
  language: 'sv',
  ...ERASED_CONTACT,
};

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every place the service stored bytes, with the needles found there (utf8 and, for SQLite's sake, utf16). */
async function findInStores(t: TestApp, needles: readonly string[], { mongoFiles = true } = {}): Promise<string[]> {
  const sources: [string, Buffer][] = filesUnder(t.dataDir).map((f) => [f, readFileSync(f)]);
  const double = await esdbDoubleOf(t.dataDir);
  if (double) sources.push(['EventStoreDB double log', double.logBytes()]);
  if (productionStores && mongoFiles && process.env.FERRETDB_DATA_DIR) sources.push(...filesUnder(process.env.FERRETDB_DATA_DIR).map((f): [string, Buffer] => [f, readFileSync(f)]));
  return sources.flatMap(([where, bytes]) =>
    needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le'))).map((n) => `${n} in ${where}`),
  );
}

/** The stream's wrapped data key as the key store holds it (SQLite file, or the MongoDB collection). */
async function wrappedKeyOf(t: TestApp, stream: string): Promise<string> {
  if (!productionStores) {
    const db = new Database(join(t.dataDir, 'keys.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT wrapped FROM data_keys WHERE stream = ?').get(stream) as { wrapped: string }).wrapped;
    } finally {
      db.close();
    }
  }
  const doc = await t.app.get<Db>(MONGO_DB).collection<{ _id: string; wrapped: string }>('personal_data_keys').findOne({ _id: stream });
  return doc!.wrapped;
}

describe('personal data: sealed at rest, erased by deleting the key', () => {
  let t: TestApp;
  let c: ReturnType<typeof httpClient>;
  let admin: string;
  const partnerId = `pii-${tag()}`;
  const first = personalValues();
  const second = personalValues();
  const id = randomUUID();
  let beforeErase: Written;
  let erased: Written;
  let historyBefore: HistoryItem[];
  let wrappedKey: string;

  const history = async () => (await c.get(admin, `/v1/customers/${id}/history`, { limit: 1000 }).expect(200)).body.items as HistoryItem[];
  const exported = async (format: 'ndjson' | 'csv') =>
    (await c.get(admin, '/v1/audit/export', { customer: id, format }).buffer(true).parse((res, done) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done(null, body));
    }).expect(200)).body as string;

  beforeAll(async () => {
    t = await startTestApp();
    c = httpClient(t);
    admin = await c.bearer(partnerId);
    const profile = { culture: 'sv-SE', language: 'sv', ...first };
    await c.establish(admin, { tenantId: id, companyName: 'Shred AB', domain: 'shred.example.com', billingProfile: profile });
    await c.post(admin, id, 'self-purchase/grant', {});
    beforeErase = await c.putBilling(admin, id, 1, billingProfile({ companyName: 'Shred AB', culture: 'sv-SE', language: 'sv', ...second }), { 'Idempotency-Key': `billing-${tag()}` });
    historyBefore = await history();
    wrappedKey = await wrappedKeyOf(t, customerStream(partnerId, id));
  });
  afterAll(() => t?.close());

  it('before the erase, the callers who may see them see the values; the stores hold none of them in clear text', async () => {
    expect(historyBefore.map((h) => h.type)).toEqual(['CustomerRelationshipEstablished', 'SelfPurchaseGranted', 'BillingProfileUpdated']);
    expect((historyBefore[0].data as any).billingProfile.contact).toMatchObject({ firstName: first.firstName, email: first.email, defaultAddress: first.defaultAddress });
    expect((historyBefore[2].data as any).contact).toMatchObject({ firstName: second.firstName, phoneNumber: second.phoneNumber });
    const billing = await c.detail(admin, id, beforeErase.position, '/profiles/billing').expect(200);
    expect(billing.body).toMatchObject({ firstName: second.firstName, lastName: second.lastName, email: second.email, defaultAddress: second.defaultAddress });
    expect(await findInStores(t, [...valuesOf(first), ...valuesOf(second)])).toEqual([]);
  });

  it('only an admin agent may erase, a reason is required, and a stale If-Match is 412', async () => {
    const sales = await c.bearer(partnerId, { roles: ['sales-agent'] });
    await t.http.post(`/v1/customers/${id}/personal-data/erase`).set('Authorization', sales).send({ reason: 'ticket 1' }).expect(403);
    await t.http.post(`/v1/customers/${id}/personal-data/erase`).set('Authorization', admin).send({}).expect(400);
    await t.http.post(`/v1/customers/${id}/personal-data/erase`).set('Authorization', admin).set('If-Match', '"1"').send({ reason: 'ticket 1' }).expect(412);
    await t.http.post(`/v1/customers/${randomUUID()}/personal-data/erase`).set('Authorization', admin).send({ reason: 'ticket 1' }).expect(404);
    expect(await history()).toHaveLength(3);
  });

  describe('after the erase', () => {
    beforeAll(async () => {
      erased = await c.post(admin, id, 'personal-data/erase', { reason: 'GDPR request 4711' }, { 'If-Match': `"${beforeErase.revision}"` });
    });

    it('appends PersonalDataErased with the usual metadata; erasing again succeeds and changes nothing', async () => {
      expect(erased).toMatchObject({ id, revision: 3 });
      const again = await c.post(admin, id, 'personal-data/erase', { reason: 'GDPR request 4711' });
      expect(again).toEqual(erased);
      const items = await history();
      expect(items).toHaveLength(4);
      expect(items[3]).toMatchObject({ type: 'PersonalDataErased', data: { reason: 'GDPR request 4711' }, actor: { partnerId, roles: ['admin-agent'] } });
    });

    it('history, the feed and as-of show the erased marker; revisions, positions and everything else stay', async () => {
      const items = await history();
      expect(items.slice(0, 3).map((i) => [i.revision, i.position, i.type, i.commandId])).toEqual(historyBefore.map((i) => [i.revision, i.position, i.type, i.commandId]));
      expect((items[0].data as any).billingProfile).toEqual({ culture: 'sv-SE', language: 'sv', contact: ERASED_CONTACT });
      expect(items[0].data).toMatchObject({ companyName: 'Shred AB', domain: 'shred.example.com', tenantId: id });
      expect(items[2].data).toEqual({ culture: 'sv-SE', language: 'sv', contact: ERASED_CONTACT });

      const feed = await c.get(admin, '/v1/audit/events', { limit: 1000 }).expect(200);
      const mine = (feed.body.items as (HistoryItem & { customerId: string })[]).filter((i) => i.customerId === id);
      expect(mine.map(({ customerId: _, ...item }) => item)).toEqual(items);

      for (const revision of [0, 2, 3]) {
        const asOf = await c.get(admin, `/v1/customers/${id}/as-of`, { revision }).expect(200);
        expect(asOf.body.billingProfile).toEqual(ERASED_BILLING);
        expect(asOf.body.selfPurchase.resources.length).toBe(revision === 0 ? 0 : 2);
      }
    });

    it('the account detail and billing section show the marker; names and entitlements are unchanged', async () => {
      const detail = await c.detail(admin, id, erased.position).expect(200);
      expect(detail.body).toMatchObject({ revision: 3, breadcrumbName: 'Shred AB', companyProfile: { companyName: 'Shred AB', domain: 'shred.example.com' } });
      expect(detail.body.selfPurchase.resources).toHaveLength(2);
      expect(detail.body.billingProfile).toEqual(ERASED_BILLING);
      const billing = await c.detail(admin, id, erased.position, '/profiles/billing').expect(200);
      expect(billing.body).toEqual(ERASED_BILLING);
      const list = await c.list(admin, { minPosition: erased.position }).expect(200);
      expect(list.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({ companyName: 'Shred AB', revision: 3 });
    });

    it('the NDJSON and CSV exports carry the marker and none of the values', async () => {
      const ndjson = await exported('ndjson');
      const csv = await exported('csv');
      for (const body of [ndjson, csv]) for (const value of [...valuesOf(first), ...valuesOf(second)]) expect(body).not.toContain(value);
      const records = ndjson.trim().split('\n').map((l) => JSON.parse(l));
      expect(records[2].data.contact).toEqual(ERASED_CONTACT);
      expect(JSON.parse(parseCsv(csv)[3].at(-1)!).contact).toEqual(ERASED_CONTACT);
    });

    it('rebuild and verify agree afterwards, and the rebuilt view still shows the marker', async () => {
      const stores = { events: t.app.get<EventReader>(EVENT_READER), writer: t.app.get(VIEW_WRITER), generations: t.app.get(VIEW_GENERATIONS) };
      for (const projection of Object.values(PROJECTIONS)) {
        await rebuildView(projection, stores);
        const result = await verifyView(projection, stores);
        expect(result.differences).toEqual([]);
      }
      const billing = await c.detail(admin, id, erased.position, '/profiles/billing').expect(200);
      expect(billing.body).toEqual(ERASED_BILLING);
    });

    it('no store the service wrote holds any value sent, nor the deleted wrapped key', async () => {
      expect(await findInStores(t, [...valuesOf(first), ...valuesOf(second)])).toEqual([]);
      expect(wrappedKey).toMatch(/^[\w-]{80}$/);
      if (productionStores) {
        // MongoDB (FerretDB here: its SQLite WAL; a real server: journal, oplog, storage files)
        // keeps a deleted document's bytes until they are reused, which the service cannot force.
        // The README says so; what the service controls is that the live key store has it no more.
        const left = await t.app.get<Db>(MONGO_DB).collection('personal_data_keys').countDocuments({ _id: customerStream(partnerId, id) as never });
        expect(left).toBe(0);
      }
      expect(await findInStores(t, [wrappedKey], { mongoFiles: false })).toEqual([]);
      // The sealed contact is still in the log (history is not rewritten), but nothing can open it.
      const stored = await t.app.get<EventReader>(EVENT_READER).readStream(customerStream(partnerId, id));
      expect(JSON.stringify(stored[2].data)).toMatch(/"sealed":"v1\./);
    });

    it('a later billing update sets a new contact under a new key; the erased ones stay erased', async () => {
      const third = personalValues();
      const updated = await c.putBilling(admin, id, erased.revision, billingProfile({ companyName: 'Shred AB', culture: 'sv-SE', language: 'sv', ...third }));
      const billing = await c.detail(admin, id, updated.position, '/profiles/billing').expect(200);
      expect(billing.body).toMatchObject({ firstName: third.firstName, email: third.email, defaultAddress: third.defaultAddress });
      expect(billing.body.personalDataErased).toBeUndefined();
      const items = await history();
      expect((items[4].data as any).contact).toMatchObject({ firstName: third.firstName });
      expect(items[2].data).toEqual({ culture: 'sv-SE', language: 'sv', contact: ERASED_CONTACT });
      expect(await findInStores(t, valuesOf(third))).toEqual([]);
    });
  });

  describe('a contact stored in clear text before sealing existed (schema version 2)', () => {
    const legacyId = randomUUID();
    const legacy = personalValues();
    let legacyPosition: string;

    beforeAll(async () => {
      await c.establish(admin, { tenantId: legacyId, companyName: 'Shred AB', domain: 'legacy.example.com' });
      const metadata = { commandId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), actor: { sub: 'legacy', partnerId, roles: ['admin-agent'] }, occurredAt: new Date().toISOString(), schemaVersion: 2 };
      const { defaultAddress, ...person } = legacy;
      const data = { culture: 'sv-SE', language: 'sv', contact: { ...person, defaultAddress } };
      const appended = await t.app.get<EventWriter>(EVENT_WRITER).append(customerStream(partnerId, legacyId), [{ id: randomUUID(), type: 'BillingProfileUpdated', data, metadata }], 0n);
      legacyPosition = formatPosition(appended.position);
    });

    it('reads in clear text until erased; the erase hides it on every read path', async () => {
      expect((await c.detail(admin, legacyId, legacyPosition, '/profiles/billing').expect(200)).body).toMatchObject({ firstName: legacy.firstName });
      const done = await c.post(admin, legacyId, 'personal-data/erase', { reason: 'GDPR request 4712' });
      const items = (await c.get(admin, `/v1/customers/${legacyId}/history`).expect(200)).body.items as HistoryItem[];
      expect(items[1].data).toEqual({ culture: 'sv-SE', language: 'sv', contact: ERASED_CONTACT });
      expect((await c.get(admin, `/v1/customers/${legacyId}/as-of`, { revision: 1 }).expect(200)).body.billingProfile).toEqual(ERASED_BILLING);
      expect((await c.detail(admin, legacyId, done.position, '/profiles/billing').expect(200)).body).toEqual(ERASED_BILLING);
      const csv = await (async () => (await c.get(admin, '/v1/audit/export', { customer: legacyId, format: 'csv' }).buffer(true).parse((res, cb) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => cb(null, body));
      })).body as string)();
      for (const value of valuesOf(legacy)) expect(csv).not.toContain(value);
    });

    it('but its bytes stay in the append-only log: what an erase cannot reach (README, Personal data)', async () => {
      const found = await findInStores(t, [legacy.firstName], { mongoFiles: false });
      // The log keeps it for good; the view store held it in clear text (it was never sealed) and
      // keeps the old page until SQLite reuses it. Never the key store or the idempotency records.
      expect(found).toContainEqual(expect.stringMatching(productionStores ? /EventStoreDB double log/ : /events\.sqlite/));
      for (const where of found) expect(where).toMatch(/EventStoreDB double log|events\.sqlite|views\.sqlite/);
    });
  });
});
