// The Emmett peer for the command benchmark (item 5: durable renames ≥ 20× it): the same rename
// through Emmett's command handler and its SQLite event store, behind Express with the same JSON
// body parser. No token, validation beyond the name, projection or request log: all in its favour.
//
// Commands run one at a time. Emmett's SQLite store (0.38.5) opens a connection per operation
// without a busy timeout and shares it between calls, so concurrent commands fail (SQLITE_BUSY,
// "Database handle is closed"); serialized, every one succeeds.
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
const oneAtATime = (work) => {
  const result = queue.then(work);
  queue = result.catch(() => undefined);
  return result;
};

class NotFound extends Error {}

/** Even one at a time a commit is sometimes refused ("SQL statements in progress"): retried. */
async function establish(id) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.appendToStream(streamOf(id), [{ type: 'CustomerRelationshipEstablished', data: { companyName: `Customer ${id}` } }]);
    } catch (error) {
      if (error.code !== 'SQLITE_BUSY' || attempt === 10) throw error;
    }
  }
}

async function main() {
  for (const id of JSON.parse(process.env.CUSTOMER_IDS)) await establish(id);
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.post('/v1/customers/:id/rename', async (req, res) => {
    const companyName = req.body?.companyName;
    if (typeof companyName !== 'string' || companyName.trim() === '') return res.status(400).json({ title: 'companyName is required.' });
    try {
      const result = await oneAtATime(() =>
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
  app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
