import { parseCustomerStream } from '@app/domain';
import { EventReader, positionKey } from '@app/event-store';
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

// The live projector may write the same document between our read and our write; each lost race
// costs one more fold of one stream.
const ATTEMPTS = 5;

/**
 * Retries a parked event: folds the customer's document again from its whole stream through the
 * projection and, if nothing throws now, writes it and forgets every parking of that stream the
 * fold went past. The write is conditional on the stored document being the one this fold began
 * from, so a write by the live projector in between is never lost: the fold is done again.
 */
export async function retryParked<V extends ViewDocument>(projection: Projection<V>, parked: ParkedEvent, stores: RetryStores): Promise<RetryOutcome> {
  const owner = parseCustomerStream(parked.stream);
  if (!owner) throw new Error(`The parked event at ${parked.position} names no customer stream (${parked.stream}).`);
  const key = { partnerId: owner.partnerId, id: owner.tenantId };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [stored] = await stores.writer.load(projection, [key], parked.generation);
    const recorded = await stores.events.readStream(parked.stream);
    let document: V | null = null;
    let through = '';
    for (const r of recorded) {
      try {
        const event = toProjectedEvent(r);
        if (!event) continue;
        document = projection.evolve(document, event);
        through = event.position;
      } catch (error) {
        return { retried: false, position: positionKey(r.position), error: parkingError(error) };
      }
    }
    const settled = (await stores.parked.parked(projection, parked.generation))
      .filter((p) => p.stream === parked.stream && p.position <= through)
      .map((p) => p.position);
    if (document === null) {
      // Nothing to show for this customer (its events make no document): only the parkings go.
      for (const position of settled) await stores.parked.unpark(projection, parked.generation, position);
      return { retried: true, unparked: settled };
    }
    if (await stores.parked.replaceRetried(projection, parked.generation, document, stored?.position ?? null, settled)) return { retried: true, unparked: settled };
  }
  throw new Error(`The document of ${parked.stream} in ${projection.name} kept changing while it was retried; try again.`);
}
