/**
 * A place in the double's transaction log, named like EventStoreDB names it: a commit/prepare pair
 * of byte offsets, totally ordered by commit, then prepare.
 *
 * Like a current EventStoreDB node (events appended without explicit transactions), each event's
 * pair is its own record's offset used twice, and offsets grow by the record's size — they are
 * neither 0-based nor consecutive.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function formatPosition(p: LogPosition): string {
  return `C:${p.commit}/P:${p.prepare}`;
}

/** Positions travel as decimal strings (int64/uint64 with jstype=JS_STRING). */
export function parsePosition(commit: string, prepare: string): LogPosition {
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}
