import { AccountDetail } from '@app/read-side';

/** The account folded up to and including one revision of its stream. */
export interface Snapshot {
  readonly revision: bigint;
  readonly view: AccountDetail | null;
  /** The latest `occurredAt` (ms) among the events folded so far: as-of-time uses it to pick a start. */
  readonly latest: number;
}

export const START: Snapshot = { revision: -1n, view: null, latest: -Infinity };

/**
 * Folded states of long streams every `every` revisions, kept in memory. Events never change once
 * written, so a snapshot stays true for good; an as-of then reads at most `every` events from the
 * snapshot before it instead of the whole stream. Least recently used streams go past `capacity`
 * snapshots in all.
 */
export class AsOfSnapshots {
  private readonly streams = new Map<string, Snapshot[]>();
  private size = 0;

  constructor(
    readonly every = 100,
    private readonly capacity = 5_000,
  ) {}

  /** The last snapshot at or before `revision`. */
  atRevision(stream: string, revision: bigint): Snapshot {
    return this.last(stream, (s) => s.revision <= revision);
  }

  /** The last snapshot whose events all happened at or before `ms`. */
  atTime(stream: string, ms: number): Snapshot {
    return this.last(stream, (s) => s.latest <= ms);
  }

  /** Keeps `snapshot` if it falls on the period and extends what is kept (snapshots come in order). */
  offer(stream: string, snapshot: Snapshot): void {
    if ((snapshot.revision + 1n) % BigInt(this.every) !== 0n) return;
    const kept = this.streams.get(stream) ?? [];
    const expected = BigInt(this.every * (kept.length + 1) - 1);
    if (snapshot.revision !== expected) return;
    kept.push(snapshot);
    this.streams.delete(stream);
    this.streams.set(stream, kept);
    this.size++;
    while (this.size > this.capacity) {
      const [oldest, snapshots] = this.streams.entries().next().value!;
      this.streams.delete(oldest);
      this.size -= snapshots.length;
    }
  }

  private last(stream: string, fits: (s: Snapshot) => boolean): Snapshot {
    const kept = this.streams.get(stream);
    if (!kept) return START;
    this.streams.delete(stream);
    this.streams.set(stream, kept);
    // Both revision and `latest` grow along the list: binary search for the last that fits.
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fits(kept[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? START : kept[lo - 1];
  }
}
