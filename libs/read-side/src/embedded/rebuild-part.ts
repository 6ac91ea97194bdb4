import { CUSTOMER_UPCASTERS } from '@app/domain';
import { positionFromKey, positionKey, SqliteEventStore, Upcasters, UpcastingEventReader } from '@app/event-store/core';
import { systemClock } from '@app/platform/core';
import { PROJECTIONS } from '../projections/projections';
import { projectGenerations } from '../rebuild';
import { PART_GENERATION, PartReport, PartTask } from './rebuild-in-parts';
import { SqliteViewStore } from './sqlite-view-store';

/**
 * One part of a rebuild in parts, in a process of its own (`rebuildInParts` forks this file): it
 * projects its share of the log into its own view file, from that file's checkpoints, and reports
 * progress and completion to the parent. It ends as soon as the parent is gone.
 */
async function projectPart(task: PartTask): Promise<void> {
  const store = new SqliteEventStore(task.eventsFile, { readOnly: true });
  // Events in their current shape, as every read path of the service gets them.
  const events = new UpcastingEventReader(store, new Upcasters(CUSTOMER_UPCASTERS));
  // Scratch, never fsynced: the checkpoint thread's fsyncs of part files slowed the parts by about 8 %.
  const views = new SqliteViewStore(task.partFile, { scratch: true });
  try {
    const projections = Object.values(PROJECTIONS).filter((p) => task.views.includes(p.name));
    const targets = [];
    for (const projection of projections) {
      const generation = await views.beginRebuild(projection);
      if (generation !== PART_GENERATION) throw new Error(`${task.partFile} is not a part file: it rebuilds generation ${generation} of ${projection.name}.`);
      targets.push({ projection, generation });
    }
    // The last report is awaited before the process ends, so the parent sees every part reach the head.
    let sent: Promise<unknown> = Promise.resolve();
    const send = (report: PartReport) => (sent = new Promise((resolve) => process.send?.(report, resolve)));
    await projectGenerations(
      targets,
      { events, writer: views, clock: systemClock },
      ({ view, events: count, position, fraction, eventsPerSecond, etaSeconds }) =>
        send({ progress: { view, events: count, position: position && positionKey(position), fraction, eventsPerSecond, etaSeconds } }),
      { partition: task.partition, head: positionFromKey(task.head) },
    );
    await sent;
  } finally {
    await views.close();
    await store.close();
  }
}

// Exit codes: 0 done, 1 failed, 2 the parent is gone (killed, interrupted): stop at once rather
// than write on alone; the next rebuild resumes from this part's checkpoints.
process.once('message', (task: PartTask) => {
  projectPart(task).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.once('disconnect', () => process.exit(2));
