import { ViewDefinition } from './view-definition';
import { ViewDocument, ViewName } from './views';

/**
 * An event one generation of a projection could not apply (its `evolve` threw, or the event could
 * not be decoded), set aside so the view goes on past it. It names the event, never its data: the
 * data may hold personal data, and the event store keeps it anyway.
 */
export interface ParkedEvent {
  readonly projection: ViewName;
  readonly generation: number;
  /** `positionKey` of the event's global position: compares as a string. */
  readonly position: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly eventId: string;
  /** The error's message, cut to `MAX_ERROR_LENGTH`. */
  readonly error: string;
  /** ISO-8601: when the projection parked it. */
  readonly parkedAt: string;
}

export const MAX_ERROR_LENGTH = 500;

/** The error of a parking as stored: its message only (no stack, no data), bounded. */
export function parkingError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

/**
 * What operators need of the parked events (the runner parks them through `ViewWriter.commit`, in
 * the same commit as the batch's documents and checkpoint). Calls without a `generation` address
 * the active one. A generation's parked events go when the generation is dropped.
 */
export interface ParkedEvents {
  /** In position order. */
  parked(view: ViewDefinition, generation?: number): Promise<ParkedEvent[]>;
  countParked(view: ViewDefinition, generation?: number): Promise<number>;
  /** Forgets one parked event; false if it was not parked. */
  unpark(view: ViewDefinition, generation: number, position: string): Promise<boolean>;
  /**
   * A retried customer's document, folded again from its whole stream: written only if the stored
   * one is still at `expectedPosition` (null: no document stored), and then the parked events it
   * now reflects (`positions`) are forgotten. False, and nothing changed, when the stored document
   * moved meanwhile: the caller folds again.
   */
  replaceRetried<V extends ViewDocument>(
    view: ViewDefinition<V>,
    generation: number,
    document: V,
    expectedPosition: string | null,
    positions: readonly string[],
  ): Promise<boolean>;
}

export const PARKED_EVENTS = Symbol('ParkedEvents');
