/**
 * A place in the global log. EventStoreDB names it by a commit/prepare pair; the embedded store by
 * one sequence number used as both. Ordered by commit, then prepare.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Before the first event: reading or subscribing after it starts at the beginning. */
export const START: Position = { commit: 0n, prepare: 0n };

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** The opaque string form used at the HTTP edge. */
export function formatPosition(p: Position): string {
  return `${p.commit}-${p.prepare}`;
}

/** The text form of a position (`formatPosition`), for checking input at the edge. */
export const POSITION_PATTERN = /^(\d{1,20})-(\d{1,20})$/;

/** Parses `formatPosition` output; null for anything else. */
export function parsePosition(text: string): Position | null {
  const match = POSITION_PATTERN.exec(text);
  if (!match) return null;
  const position = { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
  // Both stores keep positions as signed 64-bit integers; anything larger names no event.
  return position.commit <= MAX_POSITION_PART && position.prepare <= MAX_POSITION_PART ? position : null;
}

const MAX_POSITION_PART = 2n ** 63n - 1n;

/** A fixed-width string that sorts like the position, for stores that compare strings. */
export function positionKey(p: Position): string {
  return `${p.commit.toString().padStart(20, '0')}${p.prepare.toString().padStart(20, '0')}`;
}

export function positionFromKey(key: string): Position {
  return { commit: BigInt(key.slice(0, 20)), prepare: BigInt(key.slice(20)) };
}
