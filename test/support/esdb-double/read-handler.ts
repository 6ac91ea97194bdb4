/**
 * `Streams.Read`: routes one request to a finite read or a subscription, accepting the option
 * combinations EventStoreDB accepts (stream or $all reads in either direction, filters only on
 * $all, subscriptions only forwards, filtered only on $all) and refusing the rest.
 */
import { status as Status } from '@grpc/grpc-js';
import { streamNameOf } from './append-request';
import { acceptEverything, checkpointIntervalOf, eventFilterOf } from './event-filter';
import type { EventLog } from './event-log';
import { invalidArgument, isServerErrorResponse, rpcError } from './grpc-errors';
import { parsePosition } from './position';
import { streams } from './proto';
import { readAll, readStream, type ReadShape } from './reads';
import { ResponseWriter, type ReadCall } from './response-writer';
import { Subscription, type SubscriptionStart } from './subscription';
import type { SubscriptionRegistry } from './subscription-registry';
import { uuidFormOf } from './uuid';

export interface ReadHandlerOptions {
  readonly sendCaughtUp: boolean;
}

export function readHandler(log: EventLog, registry: SubscriptionRegistry, options: ReadHandlerOptions) {
  return (call: ReadCall): void => {
    const writer = new ResponseWriter(call);
    const fail = (error: unknown) =>
      writer.fail(isServerErrorResponse(error) ? error : rpcError(Status.UNKNOWN, error instanceof Error ? error.message : String(error)));
    try {
      route(call.request, writer, log, registry, options).catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

function route(
  request: streams.ReadReq,
  writer: ResponseWriter,
  log: EventLog,
  registry: SubscriptionRegistry,
  options: ReadHandlerOptions,
): Promise<void> {
  const Options = streams.ReadReq.Options;
  const readOptions = request.getOptions();
  if (!readOptions) throw invalidArgument("'options' is required.");
  const uuidOption = readOptions.getUuidOption();
  if (!uuidOption) throw invalidArgument("'uuidOption' is a required argument.");
  const uuidForm = uuidFormOf(uuidOption);
  const onStream = readOptions.getStreamOptionCase() === Options.StreamOptionCase.STREAM;
  const onAll = readOptions.getStreamOptionCase() === Options.StreamOptionCase.ALL;
  const subscribing = readOptions.getCountOptionCase() === Options.CountOptionCase.SUBSCRIPTION;
  const counting = readOptions.getCountOptionCase() === Options.CountOptionCase.COUNT;
  const backwards = readOptions.getReadDirection() === Options.ReadDirection.BACKWARDS;
  const filtered = readOptions.getFilterOptionCase() === Options.FilterOptionCase.FILTER;
  const unfiltered = readOptions.getFilterOptionCase() === Options.FilterOptionCase.NO_FILTER;

  const valid =
    (onStream && unfiltered && (counting || (subscribing && !backwards))) ||
    (onAll && (filtered || unfiltered) && (counting || (subscribing && !backwards)));
  if (!valid) {
    throw invalidArgument(
      `The combination of (stream: ${readOptions.getStreamOptionCase()}, count: ${readOptions.getCountOptionCase()}, ` +
        `direction: ${readOptions.getReadDirection()}, filter: ${readOptions.getFilterOptionCase()}) is invalid.`,
    );
  }
  const filter = filtered ? eventFilterOf(readOptions.getFilter()!) : acceptEverything;

  if (counting) {
    const shape: ReadShape = { backwards, count: BigInt(readOptions.getCount()), uuidForm };
    if (onStream) {
      const streamOptions = readOptions.getStream()!;
      return readStream(writer, log, streamNameOf(streamOptions.getStreamIdentifier()), streamOptions, shape);
    }
    return readAll(writer, log, readOptions.getAll()!, filter, shape);
  }

  const subscription = onStream
    ? new Subscription(writer, log, {
        target: { kind: 'stream', streamName: streamNameOf(readOptions.getStream()!.getStreamIdentifier()) },
        start: streamStart(readOptions.getStream()!),
        filter,
        checkpointInterval: null,
        uuidForm,
        sendCaughtUp: options.sendCaughtUp,
      })
    : new Subscription(writer, log, {
        target: { kind: 'all' },
        start: allStart(readOptions.getAll()!),
        filter,
        checkpointInterval: filtered ? checkpointIntervalOf(readOptions.getFilter()!) : null,
        uuidForm,
        sendCaughtUp: options.sendCaughtUp,
      });
  return registry.track(subscription);
}

function streamStart(from: streams.ReadReq.Options.StreamOptions): SubscriptionStart {
  const Case = streams.ReadReq.Options.StreamOptions.RevisionOptionCase;
  switch (from.getRevisionOptionCase()) {
    case Case.END:
      return { kind: 'end' };
    case Case.REVISION:
      return { kind: 'revision', revision: BigInt(from.getRevision()) };
    default:
      return { kind: 'start' };
  }
}

function allStart(from: streams.ReadReq.Options.AllOptions): SubscriptionStart {
  const Case = streams.ReadReq.Options.AllOptions.AllOptionCase;
  switch (from.getAllOptionCase()) {
    case Case.END:
      return { kind: 'end' };
    case Case.POSITION: {
      const wire = from.getPosition()!;
      return { kind: 'position', position: parsePosition(wire.getCommitPosition(), wire.getPreparePosition()) };
    }
    default:
      return { kind: 'start' };
  }
}
