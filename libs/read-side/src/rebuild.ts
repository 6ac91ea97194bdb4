import { canonicalJson } from '@app/domain';
import { comparePositions, EventReader, Partition, Position, positionKey } from '@app/event-store/core';
import { Clock } from '@app/platform/core';
import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { waitForLive } from './live-view';
import { decodeForProjections, PROJECTED_STREAMS } from './projected-event';
import { ProjectionRunner } from './projection-runner';
import { ViewDefinition } from './view-definition';
import { ViewGenerations } from './view-generations';
import { ViewWriter } from './view-writer';
import { Projection, ViewDocument, ViewName } from './views';

/** What rebuild and verify work on: the events, and the views through both ports. */
export interface RebuildStores {
  readonly events: EventReader;
  readonly writer: ViewWriter;
  readonly generations: ViewGenerations;
  /** When events are parked; without one, a parking is stamped with the event's own time. */
  readonly clock?: Clock;
}

export interface Progress {
  readonly view: ViewName;
  readonly events: number;
  readonly position: Position | null;
  readonly head: Position | null;
  /** 0..1, measured along the log's positions (no store can count events cheaply). */
  readonly fraction: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | null;
}

/**
 * Events per read of the log, and per commit of each view. A page is read and decoded once for
 * every view, and stays alive until each has committed it: past about a thousand events it
 * outgrows V8's young generation and is promoted, and collecting it then dominates. Pages of 2,000
 * made a rebuild a fifth slower than pages of 1,000 (5,000 the same), 500 no faster.
 */
const PAGE = 1000;

/** One view's generation to project. */
export interface GenerationTarget {
  readonly projection: Projection<ViewDocument>;
  readonly generation: number;
}

/**
 * Projects one generation from its checkpoint (zero for a new one) up to the log's head as it is
 * now, page by page, reporting progress. Returns where it stopped.
 */
export async function projectGeneration<V extends ViewDocument>(
  projection: Projection<V>,
  stores: Pick<RebuildStores, 'events' | 'writer' | 'clock'>,
  generation: number,
  onProgress: (progress: Progress) => void = () => undefined,
): Promise<Position | null> {
  const [position] = await projectGenerations([{ projection: projection as unknown as Projection<ViewDocument>, generation }], stores, onProgress);
  return position;
}

/**
 * Projects several generations (of different views) together: each page of the log is read and
 * decoded once and folded into every view still behind it, each from its own checkpoint. Returns
 * where each stopped.
 */
export async function projectGenerations(
  targets: readonly GenerationTarget[],
  { events, writer, clock }: Pick<RebuildStores, 'events' | 'writer' | 'clock'>,
  onProgress: (progress: Progress) => void = () => undefined,
  part?: PartOfRebuild,
): Promise<(Position | null)[]> {
  const filter = part ? { ...PROJECTED_STREAMS, partition: part.partition } : PROJECTED_STREAMS;
  const head = part ? part.head : await headOfLog(events);
  const began = Date.now();
  const views = await Promise.all(
    targets.map(async ({ projection, generation }) => {
      const start = (await writer.checkpoint(projection, generation)) ?? null;
      // From zero, this run writes every document of the generation: it need not look up keys it never wrote.
      const runner = new ProjectionRunner({ projection, events, views: writer, generation, clock, written: start === null ? new Set<string>() : undefined });
      return { projection, runner, start, position: start, count: 0, reportedDone: false };
    }),
  );
  const report = (view: (typeof views)[number]) => {
    const fraction = !head ? 1 : progressAlong(view.start, view.position, head);
    view.reportedDone = fraction >= 1;
    onProgress(progress(view.projection.name, view.count, view.position, head, fraction, began));
  };
  const behind = (position: Position | null) => head !== null && (!position || comparePositions(position, head) < 0);
  let position = earliest(views.map((v) => v.position));
  while (views.some((v) => behind(v.position))) {
    const page = await events.readAll({ after: position ?? undefined, filter, maxCount: PAGE });
    if (page.length === 0) break;
    const decoded = page.map(decodeForProjections);
    const end = page[page.length - 1].position;
    for (const view of views) {
      // The events of this page the view has not applied yet (a resumed view may be ahead of others).
      const from = view.position ? page.findIndex((e) => comparePositions(e.position, view.position!) > 0) : 0;
      if (from < 0) continue;
      await view.runner.applyProjected(decoded.slice(from), end, page.length - from);
      view.position = end;
      view.count += page.length - from;
      report(view);
    }
    position = end;
    // On the embedded store every await above resolves at once: let the process see its I/O
    // (a signal, a parent gone away, a timer) between pages.
    await setImmediate();
  }
  if (part) {
    // The part has nothing more up to the head: say so in each view's checkpoint, so that every
    // part of the rebuild ends at the head or past it.
    for (const view of views.filter((v) => behind(v.position))) {
      await view.runner.applyProjected([], part.head, 0);
      view.position = part.head;
    }
  }
  for (const view of views) if (!view.reportedDone) report(view);
  return views.map((v) => v.position);
}

/** Where the customers' part of the log ends now: what a rebuild projects up to (null: empty). */
export async function headOfLog(events: EventReader): Promise<Position | null> {
  const [last] = await events.readAll({ filter: PROJECTED_STREAMS, direction: 'backwards', maxCount: 1 });
  return last?.position ?? null;
}

/** A progress report, with its rate and time left reckoned from when the work `began` (epoch ms). */
export function progress(view: ViewName, events: number, position: Position | null, head: Position | null, fraction: number, began: number): Progress {
  const seconds = (Date.now() - began) / 1000;
  return {
    view,
    events,
    position,
    head,
    fraction,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    etaSeconds: fraction > 0 ? (seconds * (1 - fraction)) / fraction : null,
  };
}

/** One part of a rebuild done in parts: its streams, and the log's head the whole rebuild projects up to. */
export interface PartOfRebuild {
  readonly partition: Partition;
  readonly head: Position;
}

function earliest(positions: (Position | null)[]): Position | null {
  return positions.reduce<Position | null>((a, b) => (a === null || b === null ? null : comparePositions(a, b) <= 0 ? a : b), positions[0] ?? null);
}

function progressAlong(start: Position | null, position: Position | null, head: Position): number {
  const from = Number(start?.commit ?? 0n);
  const span = Number(head.commit) - from;
  if (span <= 0 || !position) return position ? 1 : 0;
  return Math.min(1, (Number(position.commit) - from) / span);
}

/**
 * Rebuilds a view from the start of the log into a new generation while the active one keeps
 * serving reads, then makes it active in one step. Interrupted, it resumes where it stopped the next
 * time; it never switches to a generation that has not reached the head.
 */
export async function rebuildView<V extends ViewDocument>(
  projection: Projection<V>,
  stores: RebuildStores,
  onProgress?: (progress: Progress) => void,
): Promise<{ generation: number; position: Position | null }> {
  const generation = await stores.generations.beginRebuild(projection);
  await projectGeneration(projection, stores, generation, onProgress);
  await stores.generations.finishRebuild(projection, generation);
  // Events the live projector applied between the last page and the switch: project them into the
  // new generation now rather than wait for the next event to make the live projector notice.
  const position = await projectGeneration(projection, stores, generation);
  return { generation, position };
}

/**
 * Fills new generations some other way before the rebuild catches them up (`rebuildInParts`). It
 * may hand back what is left to tidy once they are filled (its files to remove): that runs while the
 * views catch up and switch, and the rebuild ends when both have.
 */
export type FillGenerations = (targets: readonly GenerationTarget[], onProgress?: (progress: Progress) => void) => Promise<Tidy | void>;
export type Tidy = () => Promise<void>;

/**
 * Rebuilds several views at once, reading and decoding the log once for all of them; each switches
 * as `rebuildView` does. An interrupted run resumes each view from its own checkpoint. With `fill`,
 * that fills the new generations first, and the rebuild then catches them up from where it left them.
 */
export async function rebuildViews(
  projections: readonly Projection<ViewDocument>[],
  stores: RebuildStores,
  onProgress?: (progress: Progress) => void,
  fill?: FillGenerations,
): Promise<{ view: ViewName; generation: number; position: Position | null }[]> {
  const targets: GenerationTarget[] = [];
  for (const projection of projections) targets.push({ projection, generation: await stores.generations.beginRebuild(projection) });
  // A view whose fill has shown its progress up to the head shows only what the catch-up adds.
  const filled = new Set<ViewName>();
  const tidy = await fill?.(targets, (p) => {
    filled.add(p.view);
    onProgress?.(p);
  });
  const catchUpAndSwitch = async () => {
    await projectGenerations(targets, stores, (p) => (p.events > 0 || !filled.has(p.view)) && onProgress?.(p));
    const done = [];
    for (const { projection, generation } of targets) {
      await stores.generations.finishRebuild(projection, generation);
      // As in rebuildView: what the live projector applied between the last page and the switch.
      done.push({ view: projection.name, generation, position: await projectGeneration(projection, stores, generation) });
    }
    return done;
  };
  // Both run to their end before either's failure is told (a tidy that throws at once included).
  const [switched, tidied] = await Promise.allSettled([catchUpAndSwitch(), (async () => tidy?.())()]);
  if (tidied.status === 'rejected') {
    const tidying = `tidying after the fill failed: ${messageOf(tidied.reason)}`;
    if (switched.status === 'rejected') throw new AggregateError([switched.reason, tidied.reason], `${messageOf(switched.reason)}; and ${tidying}`);
    throw new Error(`The views switched, but ${tidying}`, { cause: tidied.reason });
  }
  if (switched.status === 'rejected') throw switched.reason;
  return switched.value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface Verification {
  readonly view: ViewName;
  /** Documents compared (those the live view has not changed since the shadow's position). */
  readonly compared: number;
  /** Live documents changed after the shadow's position, which cannot be compared. */
  readonly changedSince: number;
  readonly liveDigest: string;
  readonly rebuiltDigest: string;
  /** `partnerId/id` of every document that differs, is missing or is extra. */
  readonly differences: readonly string[];
}

/**
 * Projects a shadow generation from zero, waits until the live view has reached the same position,
 * and compares the two document by document; the shadow is dropped afterwards.
 */
export async function verifyView<V extends ViewDocument>(
  projection: Projection<V>,
  stores: RebuildStores,
  options: { onProgress?: (progress: Progress) => void; liveWaitMs?: number } = {},
): Promise<Verification> {
  const { generations } = stores;
  const shadow = await generations.createShadow(projection);
  try {
    const reached = await projectGeneration(projection, stores, shadow, options.onProgress);
    await waitForLive(stores.writer, projection, reached, options.liveWaitMs ?? 60_000, 'the rebuilt position');
    const rebuilt = new Map<string, string>();
    for await (const doc of generations.documents(projection, shadow)) rebuilt.set(keyOf(doc), fingerprint(doc));

    const differences: string[] = [];
    const live = new Set<string>();
    const changed = new Set<string>();
    const liveLines: string[] = [];
    const limit = reached ? positionKey(reached) : '';
    for await (const doc of generations.documents(projection, await generations.activeGeneration(projection))) {
      const key = keyOf(doc);
      // Changed after the shadow stopped: the two cannot be compared at the same position.
      if (doc.position > limit) {
        changed.add(key);
        continue;
      }
      live.add(key);
      const actual = fingerprint(doc);
      liveLines.push(`${key} ${actual}`);
      if (rebuilt.get(key) !== actual) differences.push(key);
    }
    const rebuiltLines: string[] = [];
    for (const [key, expected] of rebuilt) {
      if (changed.has(key)) continue;
      rebuiltLines.push(`${key} ${expected}`);
      if (!live.has(key)) differences.push(key);
    }
    return {
      view: projection.name,
      compared: live.size,
      changedSince: changed.size,
      liveDigest: digest(liveLines),
      rebuiltDigest: digest(rebuiltLines),
      differences: differences.sort(),
    };
  } finally {
    await generations.dropShadow(projection, shadow);
  }
}

function keyOf(doc: ViewDocument): string {
  return `${doc.partnerId}/${doc.id}`;
}

/** A hash of the document's canonical JSON (keys sorted), so key order never counts as a difference. */
function fingerprint(doc: ViewDocument): string {
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}

function digest(lines: string[]): string {
  const hash = createHash('sha256');
  for (const line of lines.sort()) hash.update(`${line}\n`);
  return hash.digest('hex');
}
