import { backoff } from './projection-runner';

describe('projector backoff', () => {
  it('doubles per failure in a row, jittered between half and all of the step, and never passes the cap', () => {
    for (let failures = 0; failures < 30; failures++) {
      const ceiling = Math.min(15_000, 500 * 2 ** failures);
      for (let i = 0; i < 20; i++) {
        const wait = backoff(failures, 500, 15_000);
        expect(wait).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(wait).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads the waits of projectors that failed together', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoff(5, 500, 15_000)));
    expect(waits.size).toBeGreaterThan(5);
  });
});
