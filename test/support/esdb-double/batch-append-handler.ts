/**
 * `Streams.BatchAppend`, the bidirectional append a 21.10+ node offers and the client prefers when
 * the server lists it: one long-lived call carries many appends, each a run of requests with one
 * correlation id (options first, `is_final` last), each answered by one `BatchAppendResp`.
 * Here a conflict travels as `error` (a google.rpc.Status whose details pack
 * `event_store.client.WrongExpectedVersion`), which the client unpacks into `WrongExpectedVersionError`.
 */
import { status as Status, type ServerDuplexStream } from '@grpc/grpc-js';
import { expectedRevisionOfBatch, proposedEventOf, streamNameOf } from './append-request';
import type { AppendResult, EventLog } from './event-log';
import type { ExpectedRevision } from './expected-revision';
import type { Code } from '@eventstore/db-client/generated/code_pb';
import { isServerErrorResponse } from './grpc-errors';
import { Any, rpcStatus, shared, streams, WellKnownEmpty } from './proto';
import { appendSize, type ProposedEvent } from './recorded-event';
import { streamIdentifier } from './read-responses';
import { uuidFromMessage } from './uuid';

export interface BatchAppendHandlerOptions {
  readonly maxAppendSize: number;
}

type BatchCall = ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>;

interface PendingAppend {
  readonly streamName: string;
  readonly expected: ExpectedRevision;
  readonly events: ProposedEvent[];
  size: number;
}

/** @param openCalls the double keeps the live calls here so `stop()` can end them. */
export function batchAppendHandler(log: EventLog, options: BatchAppendHandlerOptions, openCalls: Set<BatchCall>) {
  return (call: BatchCall): void => {
    openCalls.add(call);
    const pending = new Map<string, PendingAppend>();
    const forget = () => openCalls.delete(call);
    call.on('cancelled', forget);
    call.on('error', forget);
    call.on('end', () => {
      forget();
      call.end();
    });

    call.on('data', (request: streams.BatchAppendReq) => {
      const correlation = request.getCorrelationId();
      let key: string;
      try {
        key = uuidFromMessage(correlation, 'correlation_id');
      } catch {
        return; // an answer the client could not match to its append
      }
      // The client reads the stream name of every error answer: always send one.
      const respond = (response: streams.BatchAppendResp, streamName = '') => {
        response.setCorrelationId(correlation).setStreamIdentifier(streamIdentifier(streamName));
        if (openCalls.has(call)) call.write(response);
      };

      let streamName: string | undefined;
      try {
        if (request.hasOptions() && !pending.has(key)) {
          const batchOptions = request.getOptions()!;
          streamName = streamNameOf(batchOptions.getStreamIdentifier());
          pending.set(key, { streamName, expected: expectedRevisionOfBatch(batchOptions), events: [], size: 0 });
        }
        const append = pending.get(key);
        if (!append) return;
        streamName = append.streamName;
        for (const message of request.getProposedMessagesList()) {
          const event = proposedEventOf(message);
          append.size += appendSize(event);
          append.events.push(event);
        }
        if (append.size > options.maxAppendSize) {
          pending.delete(key);
          const details = new shared.MaximumAppendSizeExceeded().setMaxappendsize(options.maxAppendSize);
          return respond(errorResponse(Status.INVALID_ARGUMENT, `Maximum Append Size of ${options.maxAppendSize} Exceeded.`, details, 'MaximumAppendSizeExceeded'), streamName);
        }
        if (!request.getIsFinal()) return;
        pending.delete(key);
        respond(batchResponse(log.append(append.streamName, append.expected, append.events), append.expected), streamName);
      } catch (error) {
        pending.delete(key);
        const message = isServerErrorResponse(error) ? (error.details ?? error.message) : String(error);
        respond(errorResponse(Status.INVALID_ARGUMENT, message, new shared.BadRequest().setMessage(message), 'BadRequest'), streamName);
      }
    });
  };
}

function errorResponse(code: Status, message: string, details: { serializeBinary(): Uint8Array }, typeName: string): streams.BatchAppendResp {
  const any = new Any();
  any.pack(details.serializeBinary(), `event_store.client.${typeName}`);
  return new streams.BatchAppendResp().setError(new rpcStatus.Status().setCode(code as number as Code).setMessage(message).setDetails(any));
}

function batchResponse(result: AppendResult, expected: ExpectedRevision): streams.BatchAppendResp {
  if (result.kind === 'success') {
    const success = new streams.BatchAppendResp.Success();
    if (result.currentRevision < 0n) success.setNoStream(new WellKnownEmpty());
    else success.setCurrentRevision(result.currentRevision.toString());
    if (result.position) {
      success.setPosition(
        new shared.AllStreamPosition()
          .setCommitPosition(result.position.commit.toString())
          .setPreparePosition(result.position.prepare.toString()),
      );
    } else {
      success.setNoPosition(new WellKnownEmpty());
    }
    return new streams.BatchAppendResp().setSuccess(success);
  }

  const wrong = new shared.WrongExpectedVersion();
  if (result.currentRevision < 0n) wrong.setCurrentNoStream(new WellKnownEmpty());
  else wrong.setCurrentStreamRevision(result.currentRevision.toString());
  switch (expected.kind) {
    case 'any':
      wrong.setExpectedAny(new WellKnownEmpty());
      break;
    case 'stream_exists':
      wrong.setExpectedStreamExists(new WellKnownEmpty());
      break;
    case 'no_stream':
      wrong.setExpectedNoStream(new WellKnownEmpty());
      break;
    case 'revision':
      wrong.setExpectedStreamPosition(expected.revision.toString());
      break;
  }
  return errorResponse(Status.FAILED_PRECONDITION, 'WrongExpectedVersion', wrong, 'WrongExpectedVersion');
}
