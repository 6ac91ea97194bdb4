import { randomUUID } from 'node:crypto';

/** Where the application reads the time, so a test can pin it. */
export interface Clock {
  now(): Date;
}

/** Where the application gets fresh ids (command ids), so a test can pin them. */
export interface IdSource {
  next(): string;
}

export const CLOCK = Symbol('Clock');
export const ID_SOURCE = Symbol('IdSource');

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdSource = { next: () => randomUUID() };
