import { ViewDefinition } from './view-definition';
import { ViewDocument, ViewName } from './views';

/**
 * What rebuild and verify need. Each view's documents live in numbered generations; reads use the
 * active one. A rebuild projects a new generation from the start while the active one keeps
 * serving, then makes it active in one atomic step; a verify projects a shadow generation that
 * never becomes active.
 */
export interface ViewGenerations {
  activeGeneration(view: ViewDefinition): Promise<number>;
  /** The generation a rebuild projects into: the unfinished one if a rebuild was interrupted, else a new empty one. */
  beginRebuild(view: ViewDefinition): Promise<number>;
  /** Makes a rebuilt generation the active one in one step; the one it replaces is retired, dropped later. */
  finishRebuild(view: ViewDefinition, generation: number): Promise<void>;
  /** A new empty generation that never becomes active, for comparing a fresh projection with the live one. */
  createShadow(view: ViewDefinition): Promise<number>;
  dropShadow(view: ViewDefinition, generation: number): Promise<void>;
  /** Every document of a generation, in key order. */
  documents<V extends ViewDocument>(view: ViewDefinition<V>, generation: number): AsyncIterable<V>;
}

export const VIEW_GENERATIONS = Symbol('ViewGenerations');

/** Thrown by a write to, or a switch of, a generation that is no longer in use. */
export class StaleGeneration extends Error {
  constructor(view: ViewName, generation: number) {
    super(`Generation ${generation} of ${view} is no longer in use.`);
  }
}

/** The generations of one view, as the stores keep them: which serves reads, which a rebuild is filling, which verifies use. */
export interface Generations {
  readonly active: number;
  readonly building: number | null;
  readonly shadows: readonly number[];
  /**
   * Replaced generations, kept until the next rebuild or verify starts: a read that looked up the
   * active generation just before a switch still finds its data.
   */
  readonly retired: readonly number[];
  /** The highest number handed out so far. */
  readonly last: number;
}

export const FIRST_GENERATIONS: Generations = { active: 1, building: null, shadows: [], retired: [], last: 1 };

export function inUse(generations: Generations, generation: number): boolean {
  return generation === generations.active || generation === generations.building || generations.shadows.includes(generation);
}
