/**
 * Server-side filtering of $all reads and subscriptions (`ReadReq.Options.FilterOptions`).
 *
 * - On the stream name or on the event type; a non-empty regex wins over the prefix list, a regex
 *   matches anywhere unless anchored (as .NET's Regex.IsMatch), prefixes match the start.
 * - Checkpoints: every `checkpointIntervalMultiplier × window` events *considered* (matching or
 *   not), where the window is the filter's `max` or, for `count`, the server's read batch size (32).
 */
import { invalidArgument } from './grpc-errors';
import { streams } from './proto';
import type { RecordedEvent } from './recorded-event';

export type EventFilter = (event: RecordedEvent) => boolean;

/** EventStoreDB's default page size for reads behind subscriptions, the `count` window. */
export const DEFAULT_READ_BATCH_SIZE = 32;

type FilterOptions = streams.ReadReq.Options.FilterOptions;

export const acceptEverything: EventFilter = () => true;

export function eventFilterOf(options: FilterOptions): EventFilter {
  const FilterCase = streams.ReadReq.Options.FilterOptions.FilterCase;
  let expression: streams.ReadReq.Options.FilterOptions.Expression;
  let subject: (event: RecordedEvent) => string;
  switch (options.getFilterCase()) {
    case FilterCase.STREAM_IDENTIFIER:
      expression = options.getStreamIdentifier()!;
      subject = (e) => e.streamName;
      break;
    case FilterCase.EVENT_TYPE:
      expression = options.getEventType()!;
      subject = (e) => e.type;
      break;
    default:
      throw invalidArgument('The filter names neither a stream identifier nor an event type expression.');
  }

  const regexText = expression.getRegex();
  if (regexText) {
    let regex: RegExp;
    try {
      regex = new RegExp(regexText);
    } catch {
      throw invalidArgument(`'${regexText}' is not a valid regular expression.`);
    }
    return (event) => regex.test(subject(event));
  }
  const prefixes = expression.getPrefixList();
  return (event) => prefixes.some((prefix) => subject(event).startsWith(prefix));
}

/** How many considered events between two checkpoints of a filtered $all subscription. */
export function checkpointIntervalOf(options: FilterOptions): number {
  const multiplier = options.getCheckpointintervalmultiplier();
  if (multiplier <= 0) throw invalidArgument('The checkpoint interval multiplier must be greater than 0.');
  const WindowCase = streams.ReadReq.Options.FilterOptions.WindowCase;
  const window = options.getWindowCase() === WindowCase.MAX ? options.getMax() : DEFAULT_READ_BATCH_SIZE;
  if (window <= 0) throw invalidArgument('The max search window must be greater than 0.');
  return multiplier * window;
}
