import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteEventStore } from '@app/event-store/core';
import { embeddedViews } from './embedded/embedded-views';
import { PROJECTIONS } from './projections/projections';
import { FillGenerations, rebuildViews } from './rebuild';
import { ViewPorts } from './view-ports';

// What a fill hands back to tidy (a rebuild in parts: its part files) runs beside the switch.
describe('rebuildViews with a fill that leaves something to tidy', () => {
  const projections = Object.values(PROJECTIONS);
  let dir: string;
  let events: SqliteEventStore;
  let views: ViewPorts;
  const stores = () => ({ events, writer: views.writer, generations: views.generations });
  const active = () => Promise.all(projections.map((p) => views.generations.activeGeneration(p)));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rebuild-tidy-'));
    events = new SqliteEventStore(join(dir, 'events.sqlite'));
    views = embeddedViews(join(dir, 'views.sqlite'));
  });

  afterEach(async () => {
    await views.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fill that fills nothing and leaves a tidy that runs until `finish` is called, or fails. */
  function fillLeavingTidy(outcome: 'waits' | 'fails') {
    const tidy = { started: false, finish: () => undefined as void };
    const fill: FillGenerations = async () => async () => {
      tidy.started = true;
      if (outcome === 'fails') throw new Error('the part files could not be removed');
      await new Promise<void>((resolve) => (tidy.finish = resolve));
    };
    return { fill, tidy };
  }

  it('switches every view while the tidy runs, and ends only once it is done', async () => {
    const before = await active();
    const { fill, tidy } = fillLeavingTidy('waits');
    let ended = false;
    const rebuilt = rebuildViews(projections, stores(), undefined, fill).then((done) => {
      ended = true;
      return done;
    });
    for (let waited = 0; (await active()).some((g, i) => g === before[i]) && waited < 5_000; waited += 10) await sleep(10);

    expect(await active()).toEqual(before.map((g) => g + 1));
    expect(tidy.started).toBe(true);
    await sleep(50);
    expect(ended).toBe(false);
    tidy.finish();
    expect((await rebuilt).map((r) => r.generation)).toEqual(before.map((g) => g + 1));
  });

  it("fails with the tidy's error once the views have switched, and says they did", async () => {
    const before = await active();
    const { fill } = fillLeavingTidy('fails');
    await expect(rebuildViews(projections, stores(), undefined, fill)).rejects.toThrow(
      'The views switched, but tidying after the fill failed: the part files could not be removed',
    );
    expect(await active()).toEqual(before.map((g) => g + 1));
  });

  it("tells the switch's failure first, and the tidy's after it, when both fail", async () => {
    const { fill } = fillLeavingTidy('fails');
    // The views' own store, but its switch fails.
    const generations = Object.assign(Object.create(views.generations), { finishRebuild: async () => Promise.reject(new Error('the switch failed')) });
    await expect(rebuildViews(projections, { ...stores(), generations }, undefined, fill)).rejects.toThrow(
      'the switch failed; and tidying after the fill failed: the part files could not be removed',
    );
  });
});
