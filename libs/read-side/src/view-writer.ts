import { Position } from '@app/event-store/core';
import { ParkedEvent } from './parked-events';
import { ViewDefinition } from './view-definition';
import { ViewDocument } from './views';

export interface DocumentKey {
  readonly partnerId: string;
  readonly id: string;
}

/**
 * What a projection runner needs: load the documents a batch touches and commit them with the
 * batch's checkpoint, on one generation of one view. The checkpoint never passes a write that is
 * not yet durable.
 *
 * Calls that take a `generation` address that one, else the active one; writing to a generation no
 * longer in use (replaced by a rebuild, dropped) throws `StaleGeneration`, so a runner restarts on
 * the current one.
 */
export interface ViewWriter {
  /** The generation serving reads: the one a live runner writes to until a rebuild replaces it. */
  activeGeneration(view: ViewDefinition): Promise<number>;
  load<V extends ViewDocument>(view: ViewDefinition<V>, keys: readonly DocumentKey[], generation?: number): Promise<V[]>;
  /**
   * Writes each document only if it is newer than the stored one, records the events the batch
   * parked (each once, however often the batch is committed again), then moves the checkpoint.
   */
  commit<V extends ViewDocument>(
    view: ViewDefinition<V>,
    documents: readonly V[],
    checkpoint: Position,
    generation?: number,
    parked?: readonly ParkedEvent[],
  ): Promise<void>;
  checkpoint(view: ViewDefinition, generation?: number): Promise<Position | null>;
}

export const VIEW_WRITER = Symbol('ViewWriter');
