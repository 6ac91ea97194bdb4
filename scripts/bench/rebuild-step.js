// One timed step of the rebuild benchmark, in a process of its own (as `npm run cli -- rebuild`
// runs): `rebuild` times rebuildViews into the data dir's views, in `parts` processes (the CLI's
// default: one per core, at most 4); `raw` times the raw minimum, in one process.
// Sends { ms } to the parent, and for `rebuild` the time its stores took to close after (closeMs).
// Needs `npm run build` first.
//   node scripts/bench/rebuild-step.js rebuild|raw <dataDir> [parts]
const Database = require('better-sqlite3');
const { join } = require('node:path');

const DIST = join(__dirname, '../../dist/libs');

async function rebuild(dataDir, parts) {
  const rs = require(join(DIST, 'read-side/src/index.js'));
  const { SqliteEventStore } = require(join(DIST, 'event-store/src/index.js'));
  const eventsFile = join(dataDir, 'events.sqlite');
  const viewsFile = join(dataDir, 'views.sqlite');
  const events = new SqliteEventStore(eventsFile);
  const views = rs.embeddedViews(viewsFile);
  const inParts = parts ?? rs.defaultParts();
  const fill = inParts > 1 ? rs.rebuildInParts({ eventsFile, views: views.generations, parts: inParts }, events) : undefined;
  const began = process.hrtime.bigint();
  await rs.rebuildViews(Object.values(rs.PROJECTIONS), { events, writer: views.writer, generations: views.generations }, undefined, fill);
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  const closing = process.hrtime.bigint();
  await views.close();
  await events.close();
  return { ms, closeMs: Number(process.hrtime.bigint() - closing) / 1e6 };
}

/**
 * The raw minimum of a rebuild: read and parse the log once, upsert one final row per customer and
 * view, in batches. Pages of 5,000: this loop keeps less alive than the rebuild, and measured
 * faster with them than with 1,000 (fewer upserts of the same customer).
 */
function raw(dataDir) {
  const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  const out = new Database(join(dataDir, 'raw.sqlite'));
  out.pragma('journal_mode = WAL');
  out.pragma('synchronous = NORMAL');
  out.exec('CREATE TABLE a (k TEXT PRIMARY KEY, doc TEXT); CREATE TABLE b (k TEXT PRIMARY KEY, doc TEXT)');
  const upA = out.prepare('INSERT INTO a VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET doc = excluded.doc');
  const upB = out.prepare('INSERT INTO b VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET doc = excluded.doc');
  const page = events.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT 5000');
  const began = process.hrtime.bigint();
  for (let after = 0; ; ) {
    const rows = page.all(after);
    if (rows.length === 0) break;
    const docs = new Map();
    for (const r of rows) docs.set(r.stream, { data: JSON.parse(r.data), metadata: JSON.parse(r.metadata), revision: r.revision });
    out.transaction(() => {
      for (const [k, d] of docs) {
        const json = JSON.stringify(d);
        upA.run(k, json);
        upB.run(k, json);
      }
    })();
    after = rows[rows.length - 1].position;
  }
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  events.close();
  out.close();
  return { ms };
}

const [step, dataDir, parts] = process.argv.slice(2);
const run = { rebuild, raw }[step];
if (!run || !dataDir) {
  console.error('usage: rebuild-step.js rebuild|raw <dataDir> [parts]');
  process.exit(2);
}
Promise.resolve(run(dataDir, parts && Number(parts))).then(
  (report) => process.send(report, () => process.exit(0)),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
