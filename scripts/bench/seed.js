// Seeds an embedded events.sqlite directly (one transaction, no fsync per row): `customers`
// relationships of five events each, in the shape the service writes. Minutes for millions, where
// the HTTP path would take hours. The schema comes from the store itself (built dist).
const Database = require('better-sqlite3');
const { createHash } = require('node:crypto');
const { join } = require('node:path');

const DIST = join(__dirname, '../../dist/libs');
const { SqliteEventStore } = require(join(DIST, 'event-store/src/index.js'));
const { SCHEMA_VERSIONS } = require(join(DIST, 'domain/src/index.js'));

/** A deterministic UUID (v4 layout) from a label: the same seed gives the same data. */
function uuid(label) {
  const h = createHash('sha1').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Writes `customers` relationships spread over `partners`, with `extra` more renames on the first
 * customer (a long stream for as-of). Returns the customers' ids and the long stream's id.
 */
async function seedEvents(file, { customers, partners = ['bench'], longStream = 0, startMs = Date.UTC(2025, 0, 1) }) {
  await new SqliteEventStore(file).close(); // the schema, exactly as the store makes it
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const ids = [];
  let seq = 0;
  const write = (stream, revision, type, data, partnerId, at) => {
    const commandId = uuid(`cmd-${seq++}`);
    const metadata = { commandId, correlationId: commandId, causationId: commandId, actor: { sub: `agent-${seq % 7}@partner.example`, partnerId, roles: ['admin-agent'] }, occurredAt: new Date(at).toISOString(), schemaVersion: SCHEMA_VERSIONS[type] };
    insert.run(stream, revision, uuid(`evt-${commandId}`), type, JSON.stringify(data), JSON.stringify(metadata), at);
  };
  const chunk = 50_000;
  for (let from = 0; from < customers; from += chunk) {
    db.transaction(() => {
      for (let i = from; i < Math.min(customers, from + chunk); i++) {
        const partnerId = partners[i % partners.length];
        const tenantId = uuid(`tenant-${i}`);
        ids.push({ partnerId, tenantId });
        const stream = `customer-${partnerId}-${tenantId}`;
        const tenantName = `Tenant ${String(i).padStart(7, '0')}`;
        // Names and domains in unrelated orders, as in life.
        const companyName = `${['Contoso', 'Fabrikam', 'Northwind', 'Adatum', 'Litware', 'Woodgrove', 'Tailspin', 'Wingtip'][i % 8]} ${uuid(`n-${i}`).slice(0, 6)} Ltd`;
        const domain = `${uuid(`d-${i}`).slice(0, 10)}.onmicrosoft.com`;
        const at = startMs + i * 1000;
        write(stream, 0, 'CustomerRelationshipEstablished', { tenantId, partnerId, companyName: tenantName, domain }, partnerId, at);
        write(stream, 1, 'CustomerRenamed', { previousName: tenantName, companyName }, partnerId, at + 1);
        write(stream, 2, 'SelfPurchaseGranted', { resources: ['AzureReservedInstances'] }, partnerId, at + 2);
        write(stream, 3, 'CostManagementEnabled', {}, partnerId, at + 3);
        write(stream, 4, 'BillingProfileUpdated', billing(i, domain), partnerId, at + 4);
      }
    })();
    await new Promise((r) => setImmediate(r));
  }
  let long;
  if (longStream > 0) {
    const partnerId = partners[0];
    const tenantId = uuid('long-stream');
    const stream = `customer-${partnerId}-${tenantId}`;
    const at = startMs + customers * 1000;
    db.transaction(() => {
      write(stream, 0, 'CustomerRelationshipEstablished', { tenantId, partnerId, companyName: 'Long 0', domain: 'long.example' }, partnerId, at);
      for (let r = 1; r < longStream; r++) write(stream, r, 'CustomerRenamed', { previousName: `Long ${r - 1}`, companyName: `Long ${r}` }, partnerId, at + r * 60_000);
    })();
    long = { partnerId, tenantId, events: longStream, startMs: at };
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { ids, long, events: customers * 5 + longStream };
}

function billing(i, domain) {
  return {
    culture: 'en-US',
    language: 'en',
    contact: {
      firstName: 'Ada',
      lastName: `Lovelace${i}`,
      email: `billing${i}@${domain}`,
      phoneNumber: '+1 425 555 0100',
      defaultAddress: { addressLine1: `${i} Microsoft Way`, city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
    },
  };
}

module.exports = { seedEvents, uuid };
