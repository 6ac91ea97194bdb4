import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CustomerCommand, CustomerEventType, customerStream, decide, DomainError, EventMetadata, SCHEMA_VERSIONS } from '@app/domain';
import { EVENT_WRITER, EventReader, EventWriter, eventIdFor, formatPosition, WrongExpectedVersion } from '@app/event-store';
import { ApplicationError, currentTraceContext, Metrics, observeStore, RevisionConflict, StorageFull, StoreHealth, StoreUnavailable, TooMuchContention, traced } from '@app/platform';
import { OPENED_EVENT_READER, PersonalDataVault } from '@app/runtime';
import { IdempotencyService, IdempotentRequest } from '../../idempotency/idempotency.service';
import { FoldedStreams } from './folded-streams';
import { KeyedLock, LockWaitTimeout } from './keyed-lock';

// Commands to one customer queue behind each other. While the event store is out, one stuck on it
// must not make the queue behind it wait past the 2 s a request may take: they ask this often
// whether to give up (the command ahead's own call is bounded by STORE_CALL_TIMEOUT_MS).
const GIVE_UP_CHECK_MS = 200;

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

/** How a command ended, for `commands_total`: `replayed` is an idempotent repeat answered from its record. */
type Outcome = 'appended' | 'unchanged' | 'replayed' | 'rejected' | 'conflict' | 'unavailable' | 'error';

/**
 * The one generic command path: at most once per idempotency key, fold the stream (cached, caught
 * up from the store), decide, append at the revision folded.
 * Commands to one customer run one at a time in this process; a conflict with another process is
 * retried on fresh state, unless the caller pinned a revision with If-Match.
 */
@CommandHandler(HandleCustomerCommand)
export class CustomerCommandHandler implements ICommandHandler<HandleCustomerCommand, WriteResponse> {
  private readonly lock: KeyedLock;
  private readonly logger = new Logger('Commands');
  private readonly streams: FoldedStreams;

  constructor(
    // Folds with contacts opened: deciding whether a billing profile changed compares them.
    @Inject(OPENED_EVENT_READER) reader: EventReader,
    @Inject(EVENT_WRITER) private readonly writer: EventWriter,
    private readonly idempotency: IdempotencyService,
    private readonly vault: PersonalDataVault,
    private readonly metrics: Metrics,
    stores: StoreHealth,
  ) {
    this.lock = new KeyedLock({ when: () => stores.isOut('event-store'), everyMs: GIVE_UP_CHECK_MS });
    const observed: Pick<EventReader, 'readStream'> = {
      readStream: (stream, options) => observeStore(metrics, 'event_store', 'read_stream', { 'customer.stream': stream }, () => reader.readStream(stream, options)),
    };
    this.streams = new FoldedStreams(observed, undefined, writer);
  }

  async execute({ command, ifMatch, idempotency }: HandleCustomerCommand): Promise<WriteResponse> {
    const partnerId = command.metadata.actor.partnerId;
    const stream = customerStream(partnerId, command.data.tenantId);
    // Never the command's data: it may hold a billing contact's personal data.
    const attributes = { 'command.type': command.type, 'command.id': command.metadata.commandId, 'customer.stream': stream, 'partner.id': partnerId };
    return traced(`command ${command.type}`, attributes, async (span) => {
      let outcome: Outcome = 'replayed';
      try {
        const response = await this.idempotency.once(idempotency, () =>
          this.lock.run(stream, async () => {
            const decided = await this.decideAndAppend(stream, command, ifMatch);
            outcome = decided.outcome;
            return decided.response;
          }).catch((error: unknown) => {
            // Only the event store is called under the lock: the command ahead is waiting on it.
            throw error instanceof LockWaitTimeout ? new StoreUnavailable('event-store', 'timeout') : error;
          }),
        );
        span.setAttribute('customer.revision', response.revision);
        return response;
      } catch (error) {
        outcome = outcomeOf(error);
        throw error;
      } finally {
        span.setAttribute('command.outcome', outcome);
        this.metrics.commands.inc({ type: command.type, outcome });
      }
    });
  }

  private async decideAndAppend(
    stream: string,
    command: CustomerCommand,
    ifMatch: bigint | undefined,
  ): Promise<{ response: WriteResponse; outcome: Outcome }> {
    const id = command.data.tenantId;
    const { commandId } = command.metadata;
    for (let attempt = 1; ; attempt++) {
      const folded = await this.streams.current(stream);
      // This very command was applied before (a retry after a lost answer or a crash): answer as then.
      const earlier = folded.commands.get(commandId);
      if (earlier) return { response: answer(id, earlier.revision, earlier.position), outcome: 'replayed' };
      const events = decide(command, folded.state);
      if (ifMatch !== undefined && ifMatch !== folded.revision) throw new RevisionConflict(ifMatch, folded.revision);
      // The key goes first, then the event is appended: a crash in between leaves the data erased
      // and the erase still owed (the state records no erase), so a retry appends it. Deleting an
      // absent key is a no-op, so erasing twice changes nothing.
      if (command.type === 'ErasePersonalData') await this.vault.erase(stream, folded.revision);
      if (events.length === 0) return { response: answer(id, folded.revision, folded.position!), outcome: 'unchanged' };
      const stored = await this.vault.sealEvents(stream, events);
      try {
        const expected = folded.revision >= 0n ? folded.revision : 'no_stream';
        const appendAttributes = { 'customer.stream': stream, 'command.type': command.type, 'event_store.expected_revision': String(expected), 'event_store.events': events.length };
        const appended = await observeStore(this.metrics, 'event_store', 'append', appendAttributes, async (span) => {
          // Stored with the events, so each one's projection joins this trace.
          const trace = currentTraceContext();
          const result = await this.writer.append(
            stream,
            stored.map((event, i) => ({ id: eventIdFor(commandId, i), ...event, metadata: metadataOf(command, event.type, trace) })),
            expected,
          );
          span.setAttribute('customer.revision', Number(result.nextRevision));
          return result;
        });
        const outcome = { revision: appended.nextRevision, position: appended.position };
        this.streams.appended(stream, folded, events, commandId, outcome);
        this.logger.debug({ msg: 'appended', stream, command: command.type, events: events.length, revision: Number(outcome.revision) });
        return { response: answer(id, outcome.revision, outcome.position), outcome: 'appended' };
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

function outcomeOf(error: unknown): Outcome {
  if (error instanceof RevisionConflict || error instanceof TooMuchContention) return 'conflict';
  if (error instanceof StoreUnavailable || error instanceof StorageFull) return 'unavailable';
  return error instanceof DomainError || error instanceof ApplicationError ? 'rejected' : 'error';
}

function metadataOf({ metadata }: CustomerCommand, type: CustomerEventType, trace: Pick<EventMetadata, 'traceparent' | 'tracestate'>): EventMetadata {
  const { actor } = metadata;
  return {
    commandId: metadata.commandId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    actor: { sub: actor.sub, partnerId: actor.partnerId, roles: actor.roles },
    occurredAt: metadata.occurredAt,
    schemaVersion: SCHEMA_VERSIONS[type],
    ...trace,
  };
}
