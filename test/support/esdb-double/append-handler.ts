/**
 * `Streams.Append`, the client-streaming append: an options message, then one message per event;
 * the answer is one `AppendResp`. A conflict is an answer (`wrong_expected_version`), not an error.
 */
import { status as Status, type ServerReadableStream, type sendUnaryData } from '@grpc/grpc-js';
import { expectedRevisionOfAppend, proposedEventOf, streamNameOf } from './append-request';
import type { EventLog, AppendResult } from './event-log';
import type { ExpectedRevision } from './expected-revision';
import { invalidArgument, isServerErrorResponse, maximumAppendSizeExceeded, rpcError } from './grpc-errors';
import { shared, streams } from './proto';
import { appendSize, type ProposedEvent } from './recorded-event';

export interface AppendHandlerOptions {
  readonly maxAppendSize: number;
}

export function appendHandler(log: EventLog, options: AppendHandlerOptions) {
  return (call: ServerReadableStream<streams.AppendReq, streams.AppendResp>, callback: sendUnaryData<streams.AppendResp>): void => {
    let header: { streamName: string; expected: ExpectedRevision } | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let answered = false;

    const answer = (error: unknown, response?: streams.AppendResp) => {
      if (answered) return;
      answered = true;
      if (error === null) callback(null, response);
      else callback(isServerErrorResponse(error) ? error : rpcError(Status.UNKNOWN, String(error)));
    };

    call.on('data', (request: streams.AppendReq) => {
      if (answered) return;
      try {
        if (!header) {
          if (!request.hasOptions()) throw invalidArgument('The first append message must carry the options.');
          const appendOptions = request.getOptions()!;
          header = {
            streamName: streamNameOf(appendOptions.getStreamIdentifier()),
            expected: expectedRevisionOfAppend(appendOptions),
          };
          return;
        }
        if (!request.hasProposedMessage()) throw invalidArgument('Only the first append message may carry options.');
        const event = proposedEventOf(request.getProposedMessage()!);
        size += appendSize(event);
        if (size > options.maxAppendSize) throw maximumAppendSizeExceeded(options.maxAppendSize);
        events.push(event);
      } catch (error) {
        answer(error);
      }
    });
    call.on('end', () => {
      if (!header) return answer(invalidArgument('The append carried no options.'));
      answer(null, appendResponse(log.append(header.streamName, header.expected, events), header.expected));
    });
    call.on('error', (error) => answer(error));
  };
}

function appendResponse(result: AppendResult, expected: ExpectedRevision): streams.AppendResp {
  const response = new streams.AppendResp();
  if (result.kind === 'success') {
    const success = new streams.AppendResp.Success();
    if (result.currentRevision < 0n) success.setNoStream(new shared.Empty());
    else success.setCurrentRevision(result.currentRevision.toString());
    if (result.position) {
      success.setPosition(
        new streams.AppendResp.Position()
          .setCommitPosition(result.position.commit.toString())
          .setPreparePosition(result.position.prepare.toString()),
      );
    } else {
      success.setNoPosition(new shared.Empty());
    }
    return response.setSuccess(success);
  }

  const wrong = new streams.AppendResp.WrongExpectedVersion();
  if (result.currentRevision < 0n) wrong.setCurrentNoStream(new shared.Empty());
  else wrong.setCurrentRevision(result.currentRevision.toString());
  switch (expected.kind) {
    case 'any':
      wrong.setExpectedAny(new shared.Empty());
      break;
    case 'stream_exists':
      wrong.setExpectedStreamExists(new shared.Empty());
      break;
    case 'no_stream':
      wrong.setExpectedNoStream(new shared.Empty());
      break;
    case 'revision':
      wrong.setExpectedRevision(expected.revision.toString());
      break;
  }
  return response.setWrongExpectedVersion(wrong);
}
