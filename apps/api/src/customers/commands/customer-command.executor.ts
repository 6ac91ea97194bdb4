import { Inject, Injectable } from '@nestjs/common';
import { CustomerCommand, CustomerEventType, customerStream, decide, EventMetadata, SCHEMA_VERSIONS } from '@app/domain';
import { EVENT_READER, EVENT_WRITER, EventReader, EventWriter, eventIdFor, Position, WrongExpectedVersion } from '@app/event-store';
import { problems } from '@app/platform';
import { FoldedStreams } from './folded-streams';
import { KeyedLock } from './keyed-lock';

export interface WriteResult {
  readonly id: string;
  readonly revision: bigint;
  readonly position: Position;
}

const MAX_ATTEMPTS = 5;

/**
 * The one generic command path: fold the stream (cached, caught up from the store), decide,
 * append at the revision folded.
 * Commands to one customer run one at a time in this process; a conflict with another process is
 * retried on fresh state, unless the caller pinned a revision with If-Match.
 */
@Injectable()
export class CustomerCommandExecutor {
  private readonly lock = new KeyedLock();
  private readonly streams: FoldedStreams;

  constructor(
    @Inject(EVENT_READER) reader: EventReader,
    @Inject(EVENT_WRITER) private readonly writer: EventWriter,
  ) {
    this.streams = new FoldedStreams(reader);
  }

  execute(command: CustomerCommand, ifMatch?: bigint): Promise<WriteResult> {
    const stream = customerStream(command.metadata.actor.partnerId, command.data.tenantId);
    return this.lock.run(stream, () => this.attempt(stream, command, ifMatch));
  }

  private async attempt(stream: string, command: CustomerCommand, ifMatch: bigint | undefined): Promise<WriteResult> {
    const id = command.data.tenantId;
    const { commandId } = command.metadata;
    for (let attempt = 1; ; attempt++) {
      const folded = await this.streams.current(stream);
      // This very command was applied before (a retry after a lost answer or a crash): answer as then.
      const earlier = folded.commands.get(commandId);
      if (earlier) return { id, ...earlier };

      const events = decide(command, folded.state);
      if (ifMatch !== undefined && ifMatch !== folded.revision) throw problems.revisionConflict(ifMatch, folded.revision);
      if (events.length === 0) return { id, revision: folded.revision, position: folded.position! };

      try {
        const appended = await this.writer.append(
          stream,
          events.map((event, i) => ({ id: eventIdFor(commandId, i), ...event, metadata: metadataOf(command, event.type) })),
          folded.revision >= 0n ? folded.revision : 'no_stream',
        );
        const outcome = { revision: appended.nextRevision, position: appended.position };
        this.streams.appended(stream, folded, events, commandId, outcome);
        return { id, ...outcome };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (ifMatch !== undefined) throw problems.revisionConflict(ifMatch, error.actual);
        if (attempt >= MAX_ATTEMPTS) throw problems.contended(1);
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }
}

function metadataOf({ metadata }: CustomerCommand, type: CustomerEventType): EventMetadata {
  const { actor } = metadata;
  return {
    commandId: metadata.commandId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    actor: { sub: actor.sub, partnerId: actor.partnerId, roles: actor.roles },
    occurredAt: metadata.occurredAt,
    schemaVersion: SCHEMA_VERSIONS[type],
  };
}
