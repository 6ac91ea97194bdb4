import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { EventReader, Partition, positionFromKey, positionKey } from '@app/event-store/core';
import { GenerationTarget, headOfLog, Progress, progress as progressOf, Tidy } from '../rebuild';
import { ViewName } from '../views';
import { SqliteViewStore } from './sqlite-view-store';

/** What one part's process is asked to project. */
export interface PartTask {
  readonly eventsFile: string;
  readonly partFile: string;
  readonly views: readonly ViewName[];
  readonly partition: Partition;
  /** `positionKey` of the log's head the whole rebuild projects up to. */
  readonly head: string;
}

/** A part's progress in one of its views, as its process reports it (the position as `positionKey`). */
export type PartProgress = Omit<Progress, 'position' | 'head'> & { readonly position: string | null };
export interface PartReport {
  readonly progress: PartProgress;
}

export interface RebuildInParts {
  readonly eventsFile: string;
  /** The parts' files are made beside this store's file, and removed once absorbed. */
  readonly views: SqliteViewStore;
  readonly parts: number;
}

/** SQLite attaches at most 10 files to one connection, and the absorb attaches every part. */
export const MAX_PARTS = 8;
/** One part per core, at most 4: the default of `cli rebuild`. */
export const defaultParts = () => Math.min(4, availableParallelism());

/**
 * Fills new generations of the embedded views in parts, one process per part (both cores, or
 * more): each reads its share of the customers' streams from the log (`Partition`), and folds and
 * writes them into a view file of its own, without the write lock of the others. Then each
 * generation absorbs its parts in one transaction, and the rebuild catches up and switches as
 * always, while the part files are removed (the `Tidy` this hands back). Interrupted, the parts
 * resume from their own checkpoints the next time; part files of another rebuild are removed. The
 * part files are scratch, never fsynced: those left before the machine restarted count as another
 * rebuild's, since a torn one could otherwise be resumed.
 *
 * Only generations without a checkpoint are filled this way: one that has one was absorbed, or is
 * being rebuilt in one piece, and catching it up is what is left.
 */
export function rebuildInParts({ eventsFile, views, parts }: RebuildInParts, events: EventReader) {
  if (!Number.isInteger(parts) || parts < 2 || parts > MAX_PARTS) throw new RangeError(`A rebuild in parts takes 2 to ${MAX_PARTS} parts, not ${parts}.`);
  const viewsFile = views.file;
  return async (targets: readonly GenerationTarget[], onProgress: (progress: Progress) => void = () => undefined): Promise<Tidy | void> => {
    const unlock = lock(viewsFile);
    try {
      return await fill(targets, onProgress);
    } finally {
      unlock();
    }
  };

  async function fill(targets: readonly GenerationTarget[], onProgress: (progress: Progress) => void): Promise<Tidy | void> {
    const fresh: GenerationTarget[] = [];
    for (const target of targets) if ((await views.checkpoint(target.projection, target.generation)) === null) fresh.push(target);
    const prefix = `${basename(viewsFile)}.rebuild-${thisBoot()}-${fresh.map((t) => `${t.projection.name}-${t.generation}`).join('-')}.`;
    const partFile = (index: number) => join(dirname(viewsFile), `${prefix}part-${index + 1}-of-${parts}`);
    const another = (name: string) => name.startsWith(`${basename(viewsFile)}.rebuild-`) && !name.startsWith(prefix);
    for (const file of filesBeside(viewsFile, another)) rmSync(file, { force: true });
    if (fresh.length === 0) return;

    const head = await headOfLog(events);
    // An empty log leaves nothing to fill: the rebuild's own run marks each generation current.
    if (!head) return;
    const began = Date.now();
    const reported = new Map<ViewName, PartProgress[]>();
    const report = (index: number, progress: PartProgress) => {
      const byPart = reported.get(progress.view) ?? [];
      byPart[index] = progress;
      reported.set(progress.view, byPart);
      const known = byPart.filter(Boolean);
      const fraction = known.reduce((sum, p) => sum + p.fraction, 0) / parts;
      const eventsSoFar = known.reduce((sum, p) => sum + p.events, 0);
      // Where the slowest part that has reported stands.
      const positions = known.map((p) => p.position).filter((p): p is string => p !== null);
      const position = positions.length === 0 ? null : positionFromKey(positions.reduce((a, b) => (a < b ? a : b)));
      onProgress(progressOf(progress.view, eventsSoFar, position, head, fraction, began));
    };
    const tasks = Array.from({ length: parts }, (_, index): PartTask => ({
      eventsFile,
      partFile: partFile(index),
      views: fresh.map((t) => t.projection.name),
      partition: { index, count: parts },
      head: positionKey(head),
    }));
    await runAll(tasks, report);
    for (const target of fresh) {
      // Each part's file holds the part's generation: the first a rebuild makes in a new file.
      await views.absorbParts(target.projection, target.generation, tasks.map((task) => ({ file: task.partFile, generation: PART_GENERATION })));
    }
    // Absorbed, the part files go: removing hundreds of MB takes a few hundred ms, left to run while
    // the views catch up and switch. Should the process end first, the next rebuild removes them.
    const absorbed = filesBeside(viewsFile, (name) => name.startsWith(prefix));
    return async () => {
      const removals = await Promise.allSettled(absorbed.map((file) => rm(file, { force: true })));
      const failed = removals.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw new Error(`removing the part files failed (the next rebuild removes them): ${(failed.reason as Error).message}`, { cause: failed.reason });
    };
  }
}

/**
 * Takes the lock file beside the views (holding this process's id) for as long as the parts run: a
 * second rebuild in parts of the same views fails at once, instead of sharing or removing the
 * first one's files. A lock whose process is gone (killed) is taken over.
 */
function lock(viewsFile: string): () => void {
  const file = `${viewsFile}.rebuild.lock`;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Empty only for the instant between its creation and its write: taken as held.
      const holder = Number(readFileSync(file, 'utf8'));
      if (!(holder > 0) || isRunning(holder)) throw new Error(`Another rebuild in parts (process ${holder || '?'}, ${file}) is running on these views; wait for it, or stop it and run again.`);
      rmSync(file, { force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The generation a part's rebuild projects into: the first a new view file hands out. */
export const PART_GENERATION = 2;

/** Runs every part in a process of its own; if one fails, the others are stopped and the error thrown. */
async function runAll(tasks: readonly PartTask[], report: (index: number, progress: PartProgress) => void): Promise<void> {
  const children = tasks.map(() => fork(join(__dirname, 'rebuild-part.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await Promise.all(
      children.map(
        (child, index) =>
          new Promise<void>((resolve, reject) => {
            child.on('message', (message: PartReport) => report(index, message.progress));
            child.on('error', reject);
            child.on('exit', (code, signal) =>
              code === 0 ? resolve() : reject(new Error(`Part ${index + 1} of ${tasks.length} of the rebuild failed (${signal ?? `exit code ${code}`}).`)),
            );
            child.send(tasks[index]);
          }),
      ),
    );
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

/**
 * This boot of the machine, for the part files' names: Linux's boot id. Where there is none, a
 * random one stands for it, and interrupted parts start over rather than resume.
 */
function thisBoot(): string {
  let id: string;
  try {
    id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8');
  } catch {
    id = randomUUID();
  }
  return id.replace(/-/g, '').slice(0, 12);
}

/** The files beside the views' file whose names match: part files, with their WAL and shared-memory files. */
function filesBeside(viewsFile: string, matches: (name: string) => boolean): string[] {
  return readdirSync(dirname(viewsFile))
    .filter(matches)
    .map((name) => join(dirname(viewsFile), name));
}
