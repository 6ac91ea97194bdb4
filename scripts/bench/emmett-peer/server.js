// The Emmett peer for the command benchmark (item 5: durable renames ≥ 20× it): the same rename
// through Emmett's command handler and its SQLite event store, behind Express with the same JSON
// body parser. No token, validation beyond the name, projection or request log: all in its favour.
//
// Commands run one at a time. Emmett's SQLite store (0.38.5) opens and closes a connection for
// every read and append, without a busy timeout, and shares it between calls: concurrent commands
// fail (SQLITE_BUSY, "Database handle is closed"). Even one at a time, a commit is now and then
// refused while the previous close still checkpoints the WAL: such a command is tried again.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const express = require('express');
const { CommandHandler } = require('@event-driven-io/emmett');
const { getSQLiteEventStore } = require('@event-driven-io/emmett-sqlite');

const evolve = (state, { type, data }) => {
  if (type === 'CustomerRelationshipEstablished') return { exists: true, companyName: data.companyName };
  if (type === 'CustomerRenamed') return { ...state, companyName: data.companyName };
  return state;
};
const handle = CommandHandler({ evolve, initialState: () => ({ exists: false }) });
const store = getSQLiteEventStore({ fileName: join(process.env.DATA_DIR, 'emmett.sqlite') });
const streamOf = (id) => `customer-${id}`;

let queue = Promise.resolve();
/** One at a time, and again on SQLITE_BUSY (a few times). */
const serialized = (work) => {
  const attempt = async (n) => {
    try {
      return await work();
    } catch (error) {
      if (error.code !== 'SQLITE_BUSY' || n === 10) throw error;
      return attempt(n + 1);
    }
  };
  const result = queue.then(() => attempt(1));
  queue = result.catch(() => undefined);
  return result;
};

class NotFound extends Error {}

async function main() {
  for (const id of JSON.parse(readFileSync(process.env.CUSTOMER_IDS_FILE, 'utf8'))) {
    await serialized(() => store.appendToStream(streamOf(id), [{ type: 'CustomerRelationshipEstablished', data: { companyName: `Customer ${id}` } }]));
  }
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.post('/v1/customers/:id/rename', async (req, res) => {
    const companyName = req.body?.companyName;
    if (typeof companyName !== 'string' || companyName.trim() === '') return res.status(400).json({ title: 'companyName is required.' });
    try {
      const result = await serialized(() =>
        handle(store, streamOf(req.params.id), (state) => {
          if (!state.exists) throw new NotFound();
          return state.companyName === companyName ? [] : [{ type: 'CustomerRenamed', data: { companyName } }];
        }),
      );
      res.status(200).json({ id: req.params.id, revision: String(result.nextExpectedStreamVersion) });
    } catch (error) {
      res.status(error instanceof NotFound ? 404 : 500).json({ title: error instanceof NotFound ? 'Customer not found.' : String(error) });
    }
  });
  app.listen(Number(process.env.PORT), '127.0.0.1');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
