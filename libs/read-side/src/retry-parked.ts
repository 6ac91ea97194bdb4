import { canonicalJson, parseCustomerStream } from '@app/domain';
import { EventReader, positionKey, RecordedEvent } from '@app/event-store/core';
import { waitForLive } from './live-view';
import { ParkedEvent, ParkedEvents, parkingError } from './parked-events';
import { toProjectedEvent } from './projected-event';
import { ViewWriter } from './view-writer';
import { Projection, ViewDocument } from './views';

/** Where a retry reads the customer's events, the document, and the parkings. */
export interface RetryStores {
  readonly events: EventReader;
  readonly writer: ViewWriter;
  readonly parked: ParkedEvents;
}

export type RetryOutcome =
  /** The document now reflects the whole stream; these parkings (of its stream) are gone. */
  | { readonly retried: true; readonly unparked: readonly string[] }
  /** The fold still throws (at `position`); nothing changed. */
  | { readonly retried: false; readonly position: string; readonly error: string };

// Each lost race with the live projector costs one more fold of one stream.
const ATTEMPTS = 5;

/**
 * Retries a parked event: folds the customer's document again from its whole stream through the
 * projection and, if nothing throws now, writes it and forgets every parking of that stream the
 * fold went past.
 *
 * Safe beside the live projector, which may write the same document meanwhile: the write happens
 * only if the stored document is still the one this fold began from (else it folds again), so no
 * write of the projector is lost. The other way round, a batch the projector read before this
 * write could still commit the customer's newer events on top of the document it loaded before it,
 * undoing the fix; so when the stream has grown since the fold, the retry waits until the live view
 * has projected that growth (`liveWaitMs`) and checks the stored document against the stream again.
 */
export async function retryParked<V extends ViewDocument>(
  projection: Projection<V>,
  parked: ParkedEvent,
  stores: RetryStores,
  options: { liveWaitMs?: number } = {},
): Promise<RetryOutcome> {
  const owner = parseCustomerStream(parked.stream);
  if (!owner) throw new Error(`The parked event at ${parked.position} names no customer stream (${parked.stream}).`);
  const key = { partnerId: owner.partnerId, id: owner.tenantId };
  const unparked: string[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [stored] = await stores.writer.load(projection, [key], parked.generation);
    const recorded = await stores.events.readStream(parked.stream);
    const folded = fold(projection, recorded);
    if ('error' in folded) return { retried: false, ...folded };
    const settled = (await stores.parked.parked(projection, parked.generation))
      .filter((p) => p.stream === parked.stream && p.position <= folded.through)
      .map((p) => p.position);
    if (folded.document === null) {
      // Nothing to show for this customer (its events make no document): only the parkings go.
      for (const position of settled) await stores.parked.unpark(projection, parked.generation, position);
      return { retried: true, unparked: settled };
    }
    if (!(await stores.parked.replaceRetried(projection, parked.generation, folded.document, stored?.position ?? null, settled))) continue;
    unparked.push(...settled);
    const next = recorded.length === 0 ? 0n : recorded[recorded.length - 1].revision + 1n;
    const grown = await stores.events.readStream(parked.stream, { fromRevision: next });
    if (grown.length === 0) return { retried: true, unparked };
    await waitForLive(stores.writer, projection, grown[grown.length - 1].position, options.liveWaitMs ?? 30_000, "the customer's newest event");
    const [now] = await stores.writer.load(projection, [key], parked.generation);
    const expected = fold(projection, [...recorded, ...grown], now?.position);
    // An event of the growth the live projector parked itself: that parking says the rest.
    if ('error' in expected || canonicalJson(now ?? null) === canonicalJson(expected.document)) return { retried: true, unparked };
  }
  throw new Error(`The document of ${parked.stream} in ${projection.name} kept changing while it was retried; try again.`);
}

/** The projection's fold of a stream (up to `until`, a position key, if given), or where it throws. */
function fold<V extends ViewDocument>(
  projection: Projection<V>,
  recorded: readonly RecordedEvent[],
  until?: string,
): { document: V | null; through: string } | { position: string; error: string } {
  let document: V | null = null;
  let through = '';
  for (const r of recorded) {
    if (until !== undefined && positionKey(r.position) > until) break;
    try {
      const event = toProjectedEvent(r);
      if (!event) continue;
      document = projection.evolve(document, event);
      through = event.position;
    } catch (error) {
      return { position: positionKey(r.position), error: parkingError(error) };
    }
  }
  return { document, through };
}
