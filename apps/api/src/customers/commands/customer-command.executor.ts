import { Inject, Injectable } from '@nestjs/common';
import {
  CustomerCommand,
  CustomerEvent,
  customerStream,
  decide,
  EventMetadata,
  evolve,
  initialState,
} from '@app/domain';
import { EVENT_STORE, EventStore, eventIdFor, Position, RecordedEvent, WrongExpectedVersion } from '@app/event-store';
import { problems } from '@app/platform';
import { KeyedLock } from './keyed-lock';

export interface WriteResult {
  readonly id: string;
  readonly revision: bigint;
  readonly position: Position;
}

const MAX_ATTEMPTS = 5;
export const SCHEMA_VERSION = 1;

/**
 * The one generic command path: read the stream, fold, decide, append at the revision read.
 * Commands to one customer run one at a time in this process; a conflict with another process is
 * retried on fresh state, unless the caller pinned a revision with If-Match.
 */
@Injectable()
export class CustomerCommandExecutor {
  private readonly lock = new KeyedLock();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(command: CustomerCommand, ifMatch?: bigint): Promise<WriteResult> {
    const stream = customerStream(command.metadata.actor.partnerId, command.data.tenantId);
    return this.lock.run(stream, () => this.attempt(stream, command, ifMatch));
  }

  private async attempt(stream: string, command: CustomerCommand, ifMatch: bigint | undefined): Promise<WriteResult> {
    const id = command.data.tenantId;
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(stream);
      const last = history.at(-1);
      const earlier = history.filter((e) => (e.metadata as EventMetadata).commandId === command.metadata.commandId);
      // This very command was applied before (a retry after a lost answer or a crash): answer as then.
      if (earlier.length > 0) return resultOf(id, earlier[earlier.length - 1]);

      const state = history.reduce((s, e) => evolve(s, e as unknown as CustomerEvent), initialState);
      const events = decide(command, state);
      const revision = last?.revision ?? -1n;
      if (ifMatch !== undefined && ifMatch !== revision) throw problems.revisionConflict(ifMatch, revision);
      if (events.length === 0) return resultOf(id, last!);

      try {
        const appended = await this.store.append(
          stream,
          events.map((event, i) => ({ id: eventIdFor(command.metadata.commandId, i), ...event, metadata: metadataOf(command) })),
          last ? revision : 'no_stream',
        );
        return { id, revision: appended.nextRevision, position: appended.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (ifMatch !== undefined) throw problems.revisionConflict(ifMatch, error.actual);
        if (attempt >= MAX_ATTEMPTS) throw problems.contended(1);
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }
}

function resultOf(id: string, event: RecordedEvent): WriteResult {
  return { id, revision: event.revision, position: event.position };
}

function metadataOf({ metadata }: CustomerCommand): EventMetadata {
  const { actor } = metadata;
  return {
    commandId: metadata.commandId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    actor: { sub: actor.sub, partnerId: actor.partnerId, roles: actor.roles },
    occurredAt: metadata.occurredAt,
    schemaVersion: SCHEMA_VERSION,
  };
}
