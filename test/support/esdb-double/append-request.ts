/**
 * Turns the append messages of `Streams.Append` and `Streams.BatchAppend` into the double's terms,
 * refusing what EventStoreDB refuses (missing `type` / `content-type`, unparsable ids, empty names).
 */
import type { ExpectedRevision } from './expected-revision';
import { invalidArgument, requiredMetadataPropertyMissing } from './grpc-errors';
import { shared, streams } from './proto';
import type { ProposedEvent } from './recorded-event';
import { uuidFromMessage } from './uuid';

type AnyProposedMessage = streams.AppendReq.ProposedMessage | streams.BatchAppendReq.ProposedMessage;

export function proposedEventOf(message: AnyProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (type === undefined) throw requiredMetadataPropertyMissing('type');
  const contentType = metadata.get('content-type');
  if (contentType === undefined) throw requiredMetadataPropertyMissing('content-type');
  return {
    id: uuidFromMessage(message.getId(), 'id'),
    type,
    contentType,
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

export function streamNameOf(identifier: shared.StreamIdentifier | undefined): string {
  const name = identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
  if (!name) throw invalidArgument("'stream_identifier' is required.");
  return name;
}

export function expectedRevisionOfAppend(options: streams.AppendReq.Options): ExpectedRevision {
  const Case = streams.AppendReq.Options.ExpectedStreamRevisionCase;
  switch (options.getExpectedStreamRevisionCase()) {
    case Case.REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case Case.NO_STREAM:
      return { kind: 'no_stream' };
    case Case.ANY:
      return { kind: 'any' };
    case Case.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      throw invalidArgument('The expected stream revision is not set.');
  }
}

export function expectedRevisionOfBatch(options: streams.BatchAppendReq.Options): ExpectedRevision {
  const Case = streams.BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (options.getExpectedStreamPositionCase()) {
    case Case.STREAM_POSITION:
      return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
    case Case.NO_STREAM:
      return { kind: 'no_stream' };
    case Case.ANY:
      return { kind: 'any' };
    case Case.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      throw invalidArgument('The expected stream position is not set.');
  }
}
