import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CustomerCommand, CustomerEventType, customerStream, decide, EventMetadata, SCHEMA_VERSIONS } from '@app/domain';
import { EVENT_WRITER, EventReader, EventWriter, eventIdFor, formatPosition, WrongExpectedVersion } from '@app/event-store';
import { RevisionConflict, TooMuchContention } from '@app/platform';
import { OPENED_EVENT_READER, PersonalDataVault } from '@app/runtime';
import { IdempotencyService, IdempotentRequest } from '../../idempotency/idempotency.service';
import { FoldedStreams } from './folded-streams';
import { KeyedLock } from './keyed-lock';

/** What the HTTP edge puts on the command bus: a valid domain command and the request's conditions. */
export class HandleCustomerCommand {
  constructor(
    readonly command: CustomerCommand,
    readonly ifMatch: bigint | undefined,
    readonly idempotency: IdempotentRequest | undefined,
  ) {}
}

/** The answer a write gives, as stored for idempotent replays. */
export interface WriteResponse {
  readonly id: string;
  readonly revision: number;
  readonly position: string;
}

const MAX_ATTEMPTS = 5;

/**
 * The one generic command path: at most once per idempotency key, fold the stream (cached, caught
 * up from the store), decide, append at the revision folded.
 * Commands to one customer run one at a time in this process; a conflict with another process is
 * retried on fresh state, unless the caller pinned a revision with If-Match.
 */
@CommandHandler(HandleCustomerCommand)
export class CustomerCommandHandler implements ICommandHandler<HandleCustomerCommand, WriteResponse> {
  private readonly lock = new KeyedLock();
  private readonly streams: FoldedStreams;

  constructor(
    // Folds with contacts opened: deciding whether a billing profile changed compares them.
    @Inject(OPENED_EVENT_READER) reader: EventReader,
    @Inject(EVENT_WRITER) private readonly writer: EventWriter,
    private readonly idempotency: IdempotencyService,
    private readonly vault: PersonalDataVault,
  ) {
    this.streams = new FoldedStreams(reader, undefined, writer);
  }

  execute({ command, ifMatch, idempotency }: HandleCustomerCommand): Promise<WriteResponse> {
    const stream = customerStream(command.metadata.actor.partnerId, command.data.tenantId);
    return this.idempotency.once(idempotency, () => this.lock.run(stream, () => this.decideAndAppend(stream, command, ifMatch)));
  }

  private async decideAndAppend(stream: string, command: CustomerCommand, ifMatch: bigint | undefined): Promise<WriteResponse> {
    const id = command.data.tenantId;
    const { commandId } = command.metadata;
    for (let attempt = 1; ; attempt++) {
      const folded = await this.streams.current(stream);
      // This very command was applied before (a retry after a lost answer or a crash): answer as then.
      const earlier = folded.commands.get(commandId);
      if (earlier) return answer(id, earlier.revision, earlier.position);
      const events = decide(command, folded.state);
      if (ifMatch !== undefined && ifMatch !== folded.revision) throw new RevisionConflict(ifMatch, folded.revision);
      // The key goes first, then the event is appended: a crash in between leaves the data erased
      // and the erase still owed (the state records no erase), so a retry appends it. Deleting an
      // absent key is a no-op, so erasing twice changes nothing.
      if (command.type === 'ErasePersonalData') await this.vault.erase(stream, folded.revision);
      if (events.length === 0) return answer(id, folded.revision, folded.position!);
      const stored = await this.vault.sealEvents(stream, events);
      try {
        const appended = await this.writer.append(
          stream,
          stored.map((event, i) => ({ id: eventIdFor(commandId, i), ...event, metadata: metadataOf(command, event.type) })),
          folded.revision >= 0n ? folded.revision : 'no_stream',
        );
        const outcome = { revision: appended.nextRevision, position: appended.position };
        this.streams.appended(stream, folded, events, commandId, outcome);
        return answer(id, outcome.revision, outcome.position);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (ifMatch !== undefined) throw new RevisionConflict(ifMatch, error.actual);
        if (attempt >= MAX_ATTEMPTS) throw new TooMuchContention(1);
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }
}

function answer(id: string, revision: bigint, position: Parameters<typeof formatPosition>[0]): WriteResponse {
  return { id, revision: Number(revision), position: formatPosition(position) };
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
