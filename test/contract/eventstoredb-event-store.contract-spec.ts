import { EsdbEventStore, EventStore } from '@app/event-store';
import { EsdbDouble, startEsdbDouble } from '../support/esdb-double';
import { eventStoreContract } from './event-store.contract';

// Against a real EventStoreDB when EVENTSTORE_CONNECTION_STRING is set; otherwise against the
// in-process protocol double, which is always available.
const real = process.env.EVENTSTORE_CONNECTION_STRING;
let double: EsdbDouble | undefined;

beforeAll(async () => {
  if (!real) double = await startEsdbDouble();
});
afterAll(() => double?.stop());

eventStoreContract(real ? 'EventStoreDB' : 'EventStoreDB protocol double', async (): Promise<EventStore> =>
  EsdbEventStore.connect(real ?? double!.connectionString),
);
