import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomerEventType, customerStream, SCHEMA_VERSIONS } from '@app/domain';
import { eventIdFor, EventReader, RecordedEvent, SqliteEventStore } from '@app/event-store';
import { AccountDetail, accountDetailProjection, toProjectedEvent } from '@app/read-side';
import { withoutStorageFields } from '../customers/queries/account-detail.query';
import { GetAccountAsOf, GetAccountAsOfHandler } from './account-as-of.query';
import { MasterKeys, PersonalDataVault, SqliteDataKeyStore } from '@app/runtime';

const PARTNER = 'partner-as-of';
const TENANT = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const STREAM = customerStream(PARTNER, TENANT);
const START = Date.UTC(2025, 0, 1);
const EVENTS = 345;
/** Minutes after START of each event: in order, except one stamped earlier than the one before it. */
const minuteOf = (revision: number) => (revision === 150 ? 148.5 : revision);

function metadata(type: CustomerEventType, revision: number) {
  const commandId = `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`;
  return {
    commandId,
    correlationId: commandId,
    causationId: commandId,
    actor: { sub: 'agent@partner.example', partnerId: PARTNER, roles: ['admin-agent'] },
    occurredAt: new Date(START + minuteOf(revision) * 60_000).toISOString(),
    schemaVersion: SCHEMA_VERSIONS[type],
  };
}

/** The old as-of: the whole stream, folded until the target. */
function foldedWhole(events: RecordedEvent[], until: GetAccountAsOf['until']) {
  let view: AccountDetail | null = null;
  for (const recorded of events) {
    const projected = toProjectedEvent(recorded)!;
    const included = 'revision' in until ? recorded.revision <= BigInt(until.revision) : Date.parse(projected.metadata.occurredAt) <= until.at.getTime();
    if (!included) break;
    view = accountDetailProjection.evolve(view, projected);
  }
  return view && withoutStorageFields(view);
}

describe('GetAccountAsOfHandler on a long stream', () => {
  let dir: string;
  let store: SqliteEventStore;
  let all: RecordedEvent[];
  const reads: { fromRevision?: bigint; maxCount?: number }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-of-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const established = { tenantId: TENANT, partnerId: PARTNER, companyName: 'Name 0', domain: 'contoso.example' };
    await store.append(STREAM, [{ id: eventIdFor(metadata('CustomerRelationshipEstablished', 0).commandId, 0), type: 'CustomerRelationshipEstablished', data: established, metadata: metadata('CustomerRelationshipEstablished', 0) }], 'no_stream');
    for (let revision = 1; revision < EVENTS; revision++) {
      const m = metadata('CustomerRenamed', revision);
      await store.append(STREAM, [{ id: eventIdFor(m.commandId, 0), type: 'CustomerRenamed', data: { previousName: `Name ${revision - 1}`, companyName: `Name ${revision}` }, metadata: m }], BigInt(revision - 1));
    }
    all = await store.readStream(STREAM);
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function handler(): GetAccountAsOfHandler {
    const counting: EventReader = {
      readStream: (stream, options) => {
        reads.push(options ?? {});
        return store.readStream(stream, options);
      },
      readAll: (options) => store.readAll(options),
      countAll: (options) => store.countAll(options),
      subscribeToAll: (options) => store.subscribeToAll(options),
    };
    // A real vault on its own key store: these events carry no contact, so it is never asked.
    return new GetAccountAsOfHandler(counting, new PersonalDataVault(new SqliteDataKeyStore(join(dir, 'keys.sqlite')), new MasterKeys(randomBytes(32))));
  }

  const targets: GetAccountAsOf['until'][] = [
    ...[0, 1, 98, 99, 100, 101, 150, 199, 200, 250, 344, 345, 10_000].map((revision) => ({ revision })),
    ...[-1, 0, 99.5, 148.7, 149, 149.5, 150, 200, 344, 400].map((minutes) => ({ at: new Date(START + minutes * 60_000) })),
  ];

  it('answers as folding the whole stream would, cold and from its snapshots, in any order', async () => {
    for (const queries of [targets, [...targets].reverse()]) {
      const asOf = handler();
      for (const until of queries) {
        const want = foldedWhole(all, until);
        const got = asOf.execute(new GetAccountAsOf(PARTNER, TENANT, until));
        if (want) await expect(got).resolves.toStrictEqual(want);
        else await expect(got).rejects.toThrow();
        // Asked again (from snapshots now): the same answer.
        if (want) await expect(asOf.execute(new GetAccountAsOf(PARTNER, TENANT, until))).resolves.toStrictEqual(want);
      }
    }
  });

  it('reads at most a page of events once the stream has been folded', async () => {
    const asOf = handler();
    await asOf.execute(new GetAccountAsOf(PARTNER, TENANT, { revision: EVENTS - 1 }));
    for (const until of [{ revision: 250 }, { revision: 99 }, { at: new Date(START + 299.5 * 60_000) }]) {
      reads.length = 0;
      await asOf.execute(new GetAccountAsOf(PARTNER, TENANT, until));
      expect(reads.reduce((n, r) => n + (r.maxCount ?? Infinity), 0)).toBeLessThanOrEqual(100);
    }
  });
});
