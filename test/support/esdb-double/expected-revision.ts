/**
 * EventStoreDB's decision for one append: write, answer as already written (idempotent), or refuse
 * with a wrong expected version. Pure: it sees the stream's events and an id lookup, nothing else.
 *
 * The rules, as the server applies them (no stream deletion or metadata streams in the double):
 * - a stream with no events: `any` and `no_stream` write; an exact revision and `stream_exists` refuse;
 * - `any` / `stream_exists` on an existing stream: if the first proposed id is already in this stream,
 *   every proposed id must be (then the append is idempotent: nothing is written and the result
 *   names the last of those events), otherwise it is refused; if the first id is new, it writes;
 * - an exact revision (or `no_stream`, i.e. -1) below the current one: idempotent when the proposed
 *   ids are exactly the events that followed that revision, refused otherwise;
 * - an exact revision above the current one is refused; equal to it writes.
 * EventStoreDB guarantees the exact-revision dedup; for `any` its id cache is best effort, and the
 * double (which never forgets) always finds the ids.
 */
import type { RecordedEvent } from './recorded-event';

export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendDecision =
  | { readonly kind: 'write' }
  | { readonly kind: 'idempotent'; readonly last: RecordedEvent }
  | { readonly kind: 'wrong_expected_version' };

export function decideAppend(
  streamEvents: readonly RecordedEvent[],
  expected: ExpectedRevision,
  proposedIds: readonly string[],
  latestWithId: (id: string) => RecordedEvent | undefined,
): AppendDecision {
  const streamName = streamEvents[0]?.streamName;
  const current = BigInt(streamEvents.length) - 1n; // -1: no stream

  if (current < 0n) {
    return expected.kind === 'any' || expected.kind === 'no_stream' ? { kind: 'write' } : { kind: 'wrong_expected_version' };
  }

  if (expected.kind === 'any' || expected.kind === 'stream_exists') {
    let last: RecordedEvent | undefined;
    for (const [index, id] of proposedIds.entries()) {
      const found = latestWithId(id);
      if (!found || found.streamName !== streamName) {
        return index === 0 ? { kind: 'write' } : { kind: 'wrong_expected_version' };
      }
      last = found;
    }
    return last ? { kind: 'idempotent', last } : { kind: 'write' };
  }

  const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
  if (expectedRevision < current) {
    if (proposedIds.length === 0) return { kind: 'wrong_expected_version' };
    for (const [index, id] of proposedIds.entries()) {
      const standing = streamEvents[Number(expectedRevision) + 1 + index];
      if (!standing || standing.id !== id) return { kind: 'wrong_expected_version' };
    }
    return { kind: 'idempotent', last: streamEvents[Number(expectedRevision) + proposedIds.length] };
  }
  return expectedRevision > current ? { kind: 'wrong_expected_version' } : { kind: 'write' };
}
