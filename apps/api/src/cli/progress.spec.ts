import { Progress } from '@app/read-side';
import { progressReporter } from './progress';

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const fake = { isTTY, text: '', write(chunk: string) { fake.text += chunk; return true; } };
  return fake as unknown as NodeJS.WriteStream & { text: string };
}

const at = (fraction: number, events: number): Progress => ({
  view: 'customer-list',
  events,
  position: { commit: BigInt(events), prepare: BigInt(events) },
  head: { commit: 1000n, prepare: 1000n },
  fraction,
  eventsPerSecond: 5000,
  etaSeconds: fraction < 1 ? 3 : 0,
});

describe('progressReporter', () => {
  it('redraws one bar in place on a terminal, with events/s, position and ETA, and ends the line when done', () => {
    const out = stream(true);
    const report = progressReporter(out);
    report(at(0.5, 500));
    report(at(1, 1000));
    const frames = out.text.split('\r').filter(Boolean);
    expect(frames[0]).toContain('[###############---------------]  50% 500 events, 5,000 events/s, position 500-500 of 1000-1000, ETA 3 s');
    expect(frames[1]).toMatch(/\[#{30}\] 100% .*\n$/);
  });

  it('writes a plain line at most every interval elsewhere, and always the final one', () => {
    const out = stream(false);
    const report = progressReporter(out, 60_000);
    report(at(0.1, 100));
    report(at(0.2, 200));
    report(at(1, 1000));
    const lines = out.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/customer-list: 10% 100 events, 5,000 events\/s, position 100-100 of 1000-1000, ETA 3 s$/);
    expect(lines[1]).toMatch(/customer-list: 100% /);
  });
});
